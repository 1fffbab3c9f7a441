"""X12: read, validate, acknowledge, write. The public surface is ``transforms.edi``."""

__all__: list[str] = []
