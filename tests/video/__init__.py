"""Running-form check from video."""
