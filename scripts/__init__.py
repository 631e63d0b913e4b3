"""Scripts: fits, goldens and set-up helpers (run with ``uv run python scripts/<name>.py``)."""
