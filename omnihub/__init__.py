"""omnihub."""
