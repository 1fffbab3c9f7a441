"""What `omnihub dev` changes in the configuration it runs: targets follow its sandbox.

The example configuration points every target at the sandbox's default address
(``http://127.0.0.1:8090``). `omnihub dev --sandbox-port 38090` runs the sandbox
elsewhere; its workers must deliver there too, or every delivery fails and the breakers
open. So in dev (and only there) each URL of a target that names the sandbox's default
address (base URL, OAuth2 token URL, absolute webhook subscription URLs) is moved to
the sandbox that dev runs. URLs that name any other address are left alone.

`OMNIHUB_WORKER_HEALTH_PORT` in dev is a base: the worker of the i-th target (sorted by
name) listens on base + i, so that the workers of one process do not fight over a port.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import msgspec

from omnihub.config.model import HubConfig, OAuth2ClientCredentials, Target

__all__ = ["SANDBOX_DEFAULT_ADDRESSES", "dev_health_ports", "follow_sandbox"]

SANDBOX_DEFAULT_ADDRESSES = frozenset({"127.0.0.1:8090", "localhost:8090"})


def _moved(url: str, sandbox: str) -> str:
    parts = urlsplit(url)
    if parts.netloc not in SANDBOX_DEFAULT_ADDRESSES:
        return url
    to = urlsplit(sandbox)
    return urlunsplit((to.scheme, to.netloc, parts.path, parts.query, parts.fragment))


def _follow(target: Target, sandbox: str) -> Target:
    auth = target.auth
    if isinstance(auth, OAuth2ClientCredentials):
        auth = msgspec.structs.replace(auth, token_url=_moved(auth.token_url, sandbox))
    subscriptions = {
        partner: msgspec.structs.replace(sub, url=_moved(sub.url, sandbox))
        for partner, sub in target.subscriptions.items()
    }
    return msgspec.structs.replace(
        target, base_url=_moved(target.base_url, sandbox), auth=auth, subscriptions=subscriptions
    )


def follow_sandbox(config: HubConfig, sandbox: str) -> tuple[HubConfig, list[str]]:
    """The configuration with its sandbox-bound targets moved to ``sandbox`` (a base URL),
    and the names of the targets that point at the sandbox."""
    targets = {name: _follow(target, sandbox) for name, target in config.targets.items()}
    at_sandbox = sorted(
        name
        for name, target in targets.items()
        if urlsplit(target.base_url).netloc == urlsplit(sandbox).netloc
    )
    return msgspec.structs.replace(config, targets=targets), at_sandbox


def dev_health_ports(targets: list[str], base: int | None) -> dict[str, int]:
    """Each worker's health port in dev: none without a base, base + i (0: each a free
    port) for the i-th of ``targets``."""
    if base is None:
        return {}
    return {target: base + i if base else 0 for i, target in enumerate(targets)}
