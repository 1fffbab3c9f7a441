"""An expected answer (an 856 after the 850 we sent) that does not come is a missing
document; once the partner's answer is received with the same business key, it clears."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from omnihub.config import load_config
from omnihub.config.model import JourneyPolicy
from omnihub.envelope import new_message_id
from omnihub.journey import JourneyDatabase, JourneyEntry, JourneyMeta, JourneyWriter, Retention
from omnihub.journey.model import Stage
from omnihub.monitor import Monitor, SentGroupRecord, SentGroups
from omnihub.settings import Settings


async def test_an_850_without_its_856_is_a_missing_document_until_the_856_comes(
    tmp_path: Path, own_settings: Settings
) -> None:
    settings = own_settings
    (tmp_path / "policies").mkdir()
    (tmp_path / "routes.yaml").write_text("routes: {}\ndeliveries: {}\n")
    (tmp_path / "policies" / "hub.yaml").write_text(
        textwrap.dedent(
            """
            partners:
              supplier: {}
            targets:
              supplier:
                kind: edi
                base_url: "http://127.0.0.1:9"
                edi: {envelope: {sender_id: OMNIHUB, receiver_id: SUPPLIER}}
            slas:
              supplier-asn: {kind: answer, target: supplier, sent: "850", partner: supplier,
                             expect: asn.received, within: 1h}
            """
        )
    )
    config = load_config(tmp_path, env={})
    monitor = Monitor(config, settings)
    sent_at = datetime.now(UTC) - timedelta(minutes=5)
    database = JourneyDatabase(settings.postgres_url)
    await SentGroups(database).record(  # what the EDI connector stores when it sends
        [
            SentGroupRecord(
                receiver_id="SUPPLIER",
                functional_id="PO",
                control_number=n,
                target="supplier",
                interchange=f"{n:09d}",
                set_ids=("850",),
                set_numbers=("0001",),
                message_id=new_message_id(),
                event="order.created",
                business_key=key,
                sent_at=sent_at,
            )
            for n, key in ((1, "PO-1"), (2, "PO-2"))
        ]
    )
    try:
        assert (await monitor.run_round(now=sent_at + timedelta(minutes=59))).breaches == 0
        await monitor.run_round(now=sent_at + timedelta(hours=2))
        (missing,) = await monitor.store.listing()
        assert (missing.cause.value, missing.partner, missing.count) == (
            "missing_document",
            "supplier",
            2,
        )
        assert missing.signature == "no asn.received after 850"

        # The supplier's 856 for PO-1 and PO-2 arrives (as the gateway records it).
        writer = JourneyWriter(database, Retention(JourneyPolicy()), interval_s=0.01)
        for key in ("PO-1", "PO-2"):
            mid = new_message_id()
            meta = JourneyMeta(
                message_id=mid,
                partner="supplier",
                route="edi-x12",
                event="asn.received",
                trace_id="",
                business_key=key,
            )
            entry = JourneyEntry(at=datetime.now(UTC), stage=Stage.RECEIVED)
            writer.started(meta, [entry], datetime.now(UTC))
        await writer.close()
        report = await monitor.run_round(now=sent_at + timedelta(hours=3))
        assert report.resolved == 1 and await monitor.store.listing() == []
    finally:
        await monitor.close()
        await database.close()
