"""backstride: a local-first self-check, training analysis and plan for runners' lower-back pain."""

__version__ = "0.1.0"

DISCLAIMER = (
    "backstride does not diagnose. It is a self-help guide and no substitute for a "
    "physiotherapist or doctor; if you are worried, or a warning sign appears, see one."
)
