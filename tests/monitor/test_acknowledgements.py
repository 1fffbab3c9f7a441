"""EDI acknowledgements through the real hub: 850s sent by the worker to a supplier (the
sandbox), their groups stored; the supplier's 997s posted to the gateway's EDI route are
matched to those groups; the monitor raises a late acknowledgement at the deadline and a
rejected acknowledgement naming the AK3/AK4/AK5 findings; `omnihub exceptions` shows and
resolves them."""

from __future__ import annotations

import asyncio
import secrets
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import yaml

from gateway.auth import hash_secret
from omnihub.config import HubConfig, load_config
from omnihub.journey import JourneyDatabase
from omnihub.monitor import ExceptionStore, Monitor, SentGroupRecord, SentGroups
from omnihub.settings import Settings
from sandbox.testing import SandboxServer
from tests.connectors.harness import FAST_RETRY, envelope, publish, running
from tests.hub.test_cli_start import run_cli
from tests.support.hub import running_gateway
from tests.support.orders import order
from transforms.edi import EnvelopeSettings, InMemoryControlNumbers, OutboundSet, write_interchange
from transforms.edi.x12.segments import Segment

SLA = timedelta(seconds=1)


def edi_config(directory: Path, sandbox_url: str, key: str) -> HubConfig:
    (directory / "policies").mkdir(parents=True, exist_ok=True)
    routes = {
        "routes": {
            "edi-x12": {
                "path": "/edi/x12",
                "edi": "x12",
                "event": "edi.acknowledgement",
                "scopes": ["edi:write"],
                "tier": "standard",
                "versions": {"v1": {"schema": "X12"}},
            }
        },
        "deliveries": {
            "orders-to-supplier": {
                "target": "supplier",
                "events": ["order.created"],
                "retry": "fast",
            }
        },
    }
    policies = {
        "partners": {
            "supplier": {
                "scopes": ["edi:write"],
                "api_keys": [{"id": "sup", "sha256": hash_secret(key)}],
                "edi": {"sender_ids": ["SUPPLIER"]},
            }
        },
        "rate_limit_tiers": {"standard": {"limits": ["1000/second"]}},
        "targets": {
            "supplier": {
                "kind": "edi",
                "base_url": sandbox_url,
                "edi": {
                    "envelope": {"sender_id": "OMNIHUB", "receiver_id": "SUPPLIER"},
                    "path": "/supplier/edi",
                    "documents": {"order.created": "850"},
                },
            }
        },
        "slas": {"supplier-997": {"kind": "acknowledgement", "target": "supplier", "within": "1s"}},
    }
    (directory / "routes.yaml").write_text(yaml.safe_dump(routes, sort_keys=False))
    (directory / "policies" / "all.yaml").write_text(
        yaml.safe_dump(policies, sort_keys=False) + f"retry_policies:\n  fast: {FAST_RETRY}\n"
    )
    return load_config(directory, env={})


async def functional_ack(group: int, *body: str, numbers: InMemoryControlNumbers) -> str:
    """The supplier's 997 for our group `group` (segments AK1 .. AK9 after the first)."""
    segments = [f"AK1*PO*{group}", *body]
    theirs = EnvelopeSettings(sender_id="SUPPLIER", receiver_id="OMNIHUB")
    written = await write_interchange(
        [
            OutboundSet(
                set_id="997",
                body=tuple(Segment(s.split("*")[0], tuple(s.split("*")[1:])) for s in segments),
            )
        ],
        theirs,
        numbers,
        datetime.now(UTC),
    )
    return written.text


ACCEPTED = ("AK2*850*0001", "AK5*A", "AK9*A*1*1*1")
REJECTED = ("AK2*850*0001", "AK3*PO1*6**8", "AK4*2*330*7*ZZ", "AK5*R*5", "AK9*R*1*1*0")


def omnihub(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(list(args), settings)  # type: ignore[no-any-return]


async def test_997s_are_matched_late_and_rejected_ones_become_exceptions(
    tmp_path: Path, own_settings: Settings, sandbox: SandboxServer
) -> None:
    settings = own_settings
    key = f"ohk_sup_{secrets.token_urlsafe(16)}"
    config = edi_config(tmp_path, sandbox.base_url, key)
    database = JourneyDatabase(settings.postgres_url, pool_size=1)
    sent, store = SentGroups(database), ExceptionStore(database)
    monitor = Monitor(config, settings)
    numbers = ["PO-A", "PO-B", "PO-C"]
    theirs = InMemoryControlNumbers()  # the supplier's own ISA13 / GS06
    async with (
        running(config, settings, "supplier"),
        running_gateway(config, settings) as gateway,
        httpx.AsyncClient(base_url=gateway, timeout=10) as client,
    ):
        await publish(settings, config, [envelope(order(n)) for n in numbers])
        groups: list[SentGroupRecord] = []
        for _ in range(200):
            groups = await sent.unacknowledged("supplier", datetime.now(UTC) + SLA)
            if len(groups) == 3:
                break
            await asyncio.sleep(0.05)
        assert sorted(g.business_key or "" for g in groups) == numbers
        assert len(sandbox.control.records("supplier")) == 3  # three 850s went out
        by_key = {g.business_key: g for g in groups}
        a, b, c = (by_key[n] for n in numbers)
        assert (a.functional_id, a.set_ids, a.receiver_id) == ("PO", ("850",), "SUPPLIER")
        last_sent = max(g.sent_at for g in groups)

        async def post(text: str) -> None:
            answer = await client.post(
                "/v1/edi/x12",
                content=text,
                headers={"Authorization": f"Bearer {key}", "content-type": "application/edi-x12"},
            )
            assert answer.status_code == 200, answer.text

        # The 997 for group A is matched to it and closes its expectation.
        await post(await functional_ack(a.control_number, *ACCEPTED, numbers=theirs))
        matched = await sent.get("SUPPLIER", "PO", a.control_number)
        assert matched is not None and (matched.ack_status, matched.ack_findings) == ("A", "")
        assert matched.acked_at is not None

        # Before the deadline nothing is late; after it, B and C are one exception.
        early = await monitor.run_round(now=min(g.sent_at for g in groups) + SLA / 2)
        assert early.breaches == 0 and await store.listing() == []
        await monitor.run_round(now=last_sent + SLA * 1.5)
        (late,) = await store.listing()
        assert (late.cause, late.target, late.partner) == (
            "late_acknowledgement",
            "supplier",
            "SUPPLIER",
        )
        assert (late.count, sorted(late.business_keys)) == (2, ["PO-B", "PO-C"])
        assert late.impact == "order" and "no 997 within 1s" in late.signature

        # B's 997 rejects its 850: a rejected acknowledgement naming the findings.
        await post(await functional_ack(b.control_number, *REJECTED, numbers=theirs))
        await monitor.run_round(now=last_sent + SLA * 2)
        rejected = next(e for e in await store.listing() if e.cause == "rejected_acknowledgement")
        assert rejected.business_keys == ["PO-B"]
        for finding in ("AK5 R (5)", "AK3 PO1 at segment 6 code 8", "AK4 element 2 (330) code 7"):
            assert finding in rejected.detail, rejected.detail

        # C's 997 comes: nothing is late any more; the late exception clears by itself,
        # the rejection stays until someone resolves it.
        await post(await functional_ack(c.control_number, *ACCEPTED, numbers=theirs))
        report = await monitor.run_round(now=last_sent + SLA * 3)
        assert report.resolved == 1
        assert [e.cause for e in await store.listing()] == ["rejected_acknowledgement"]
    await monitor.close()

    listed = omnihub(settings, "exceptions", "list")
    assert listed.returncode == 0, listed.stderr
    assert (
        "rejected_acknowledgement" in listed.stdout and "late_acknowledgement" not in listed.stdout
    )
    shown = omnihub(settings, "exceptions", "show", str(rejected.id))
    assert "AK4 element 2 (330) code 7" in shown.stdout and "correct the sets" in shown.stdout
    done = omnihub(settings, "exceptions", "resolve", str(rejected.id), "--note", "PO1 fixed")
    assert done.returncode == 0 and "resolved" in done.stdout
    assert await store.listing() == []
    missing = omnihub(settings, "exceptions", "show", "999999")
    assert missing.returncode == 3 and "no exception 999999" in missing.stderr
    await database.close()
