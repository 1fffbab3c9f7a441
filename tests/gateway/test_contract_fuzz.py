"""schemathesis, given only the served document and one valid credential, reaches a 202
on every JSON route of the example configuration and never a 5xx: the examples in the
document are real requests, and the schemas describe what the hub accepts."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from gateway.auth import hash_secret
from omnihub.settings import Settings
from tests.examples.test_example_routes import KEYS
from tests.gateway.processes import gateway_processes
from tests.gateway.test_contract import JSON_ROUTES
from tests.support.configs import REPO, edit, example_copy

PROBE_KEY = "ohk_contract_probe_7Hq2LmX9sD4vN8cR1tB6wK3p"
# Each partner route with the credential of the partner it is for (the example partners'
# development keys); every other operation gets the probe's key (all scopes, admin).
ROUTE_KEYS = {
    "/v1/orders": KEYS["acme-market"],
    "/v2/orders": KEYS["acme-market"],
    "/v1/stores/sales": KEYS["harbor-stores"],
    "/v1/asns": KEYS["bluepeak-supply"],
    "/v1/shipments/confirmations": KEYS["swiftlog-3pl"],
    "/v1/returns": KEYS["loopback-returns"],
    "/v1/products": KEYS["pim-central"],
    "/v1/edi/x12": "ohk_demo_northstar_8Jf2Lq5Wc9Xv1Rk7Tn3Bz6Hd",
    "/v1/edi/edifact": "ohk_demo_northstar_8Jf2Lq5Wc9Xv1Rk7Tn3Bz6Hd",
}
SCOPES = "orders:write, edi:write, inventory:write, asns:write, shipments:write, " + (
    "returns:write, products:write, admin"
)


def _config(directory: Path) -> Path:
    """The example configuration, one partner holding every scope, quotas that a short
    fuzzing run does not reach (429s would hide what is being tested)."""
    example_copy(directory)
    (directory / "policies" / "probe.yaml").write_text(
        "partners:\n"
        "  contract-probe:\n"
        f"    scopes: [{SCOPES}]\n"
        "    api_keys:\n"
        f"      - {{id: probe, sha256: {hash_secret(PROBE_KEY)}}}\n"
    )
    tiers = directory / "policies" / "tiers.yaml"
    edit(tiers, '["50/second", "2000/minute"]', '["1000/second"]')
    edit(tiers, '["5/second"]', '["1000/second"]')
    return directory


async def test_schemathesis_reaches_202_on_every_json_route_and_no_5xx(
    tmp_path: Path, settings: Settings
) -> None:
    directory = _config(tmp_path)
    secret = "shpss_contract_fuzz_secret"
    env = {"OMNIHUB_SHOPIFY_WEBHOOK_SECRET": secret}
    har = tmp_path / "schemathesis.har"
    async with gateway_processes(directory, settings, env, 1) as (url,):
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{url}/schema/openapi.json",
            "--checks",
            "not_a_server_error",
            "--phases",
            "examples,fuzzing",
            "--max-examples",
            "3",
            "--workers",
            "1",
            "--seed",
            "7",
            "--request-timeout",
            "20",
            "--report",
            "har",
            "--report-har-path",
            str(har),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=REPO,
            env={
                **os.environ,
                **env,
                "SCHEMATHESIS_HOOKS": "tests.gateway.schemathesis_hooks",
                "CONTRACT_KEYS": json.dumps({**ROUTE_KEYS, "*": PROBE_KEY}),
                "PYTHONPATH": str(REPO),
            },
        )
        output, _ = await asyncio.wait_for(proc.communicate(), timeout=150)
    text = output.decode()
    assert proc.returncode == 0, text[-6000:]
    statuses: dict[tuple[str, str], list[int]] = defaultdict(list)
    for entry in json.loads(har.read_text())["log"]["entries"]:
        path = urlsplit(entry["request"]["url"]).path
        statuses[(entry["request"]["method"].lower(), path)].append(entry["response"]["status"])
    for route in sorted(JSON_ROUTES):
        assert 202 in statuses[route], f"{route}: {sorted(set(statuses[route]))}"
    server_errors = {k: v for k, v in statuses.items() if any(s >= 500 for s in v)}
    assert not server_errors, server_errors
