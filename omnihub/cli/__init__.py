"""The `omnihub` command line."""
