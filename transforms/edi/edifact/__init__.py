"""EDIFACT: read, check, acknowledge (CONTRL), map."""
