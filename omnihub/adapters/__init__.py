"""Adapters: the only modules that may touch a third-party library's private state, each
guarded by `omnihub.fast_paths` (a version it knows, else the public API)."""
