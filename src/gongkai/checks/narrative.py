"""Rules: see checks.md."""
