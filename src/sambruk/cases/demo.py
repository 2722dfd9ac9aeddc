"""Demo data for the case engine (filled in below)."""
