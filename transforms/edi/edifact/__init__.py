"""EDIFACT: read, check, acknowledge (CONTRL), map. The public surface is ``transforms.edi``."""

__all__: list[str] = []
