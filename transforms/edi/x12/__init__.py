"""X12: read, validate, acknowledge, write."""
