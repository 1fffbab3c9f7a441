"""The README's walk-through, run as written against a live `omnihub dev`.

Its shell blocks are taken from the README and run with bash, against a hub on free
ports (the blocks read `GATEWAY` and `SANDBOX`, with the default ports as defaults): the
order block twice, as a user following the walk-through twice would; each run must be
answered `202` with the body the README shows, and each order must reach the sandbox
ERP (a repeated Idempotency-Key would be a silent replay that delivers nothing).
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from typing import Any

from omnihub.settings import Settings
from tests.support.configs import REPO
from tests.support.live_dev import live_dev

SECTION = "## Walk-through"


def walkthrough() -> tuple[list[str], dict[str, Any]]:
    """The walk-through's shell blocks, and the 202 body it shows."""
    text = (REPO / "README.md").read_text()
    assert SECTION in text, "the README has no walk-through section"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    shown = re.search(r"```\n(\{.*?\})\nHTTP 202\n```", section, re.S)
    assert shown, "the walk-through does not show the 202 answer"
    return blocks, json.loads(shown.group(1))


def bash(script: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_readme_walkthrough_runs_twice_and_each_order_reaches_the_sandbox_erp(
    settings: Settings,
) -> None:
    blocks, shown = walkthrough()
    assert len(blocks) == 3, "expected: the addresses, the order, the ERP records"
    addresses, send, records = blocks
    assert "/v2/orders" in send, "the walk-through must use the current version, v2"
    with live_dev(settings) as dev:
        env = {"PATH": "/usr/bin:/bin", "GATEWAY": dev.gateway, "SANDBOX": dev.sandbox}
        answers = []
        for _ in range(2):
            body, status = bash(addresses + send, env).strip().rsplit("\n", 1)
            assert status == "HTTP 202", (body, status)
            answers.append(json.loads(body))
        ids = {answer["message_id"] for answer in answers}
        deadline = time.monotonic() + 5
        while True:
            erp = json.loads(bash(addresses + records, env))
            delivered = {r["idempotency_key"] for r in erp}
            if ids <= delivered or time.monotonic() > deadline:
                break
            time.sleep(0.1)

    for answer in answers:
        assert answer.keys() == shown.keys()  # the README shows the 202 body as it is
        assert answer["event"] == shown["event"]
    assert len(ids) == 2, "the second run was answered as a replay of the first"
    assert ids <= delivered, f"not in the sandbox ERP: {ids - delivered}\n{dev.output()}"
    numbers = {r["body"]["order_number"] for r in erp if r["idempotency_key"] in ids}
    assert numbers == {"WEB-1001"}
