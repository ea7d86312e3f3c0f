"""The local web app: `create_app(settings)` builds it; `backstride serve` runs it."""

from backstride.present.web.app import create_app

__all__ = ["create_app"]
