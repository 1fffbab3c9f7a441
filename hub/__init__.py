"""The composition root: the omnihub CLI and the runner that starts the gateway, the
workers and the sandbox."""
