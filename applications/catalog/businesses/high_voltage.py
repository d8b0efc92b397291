"""High-voltage businesses that start the e-assistant (SPEC 3 rows 17, 18)."""
