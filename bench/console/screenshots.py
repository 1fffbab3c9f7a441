"""Screenshots of each console page for docs/console.md, from a real `omnihub dev`:
orders delivered, some dead-lettered while the sandbox ERP refuses them, a minute of
overview samples. ``python -m bench.console screenshots`` (about two minutes)."""

from __future__ import annotations

import time
from pathlib import Path

from bench.console.browser import signed_in_page
from bench.console.live_hub import erp_mode, running_dev, send_orders

__all__ = ["take_screenshots"]

OUT = Path(__file__).resolve().parents[2] / "docs" / "console"
SAMPLING_S = 70  # overview samples are taken every 5 s


def take_screenshots(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with running_dev() as hub:
        started = time.monotonic()
        batch = 0
        while time.monotonic() - started < SAMPLING_S:  # traffic for the charts
            batch += 1
            send_orders(hub, [f"WEB-{batch:03d}{i}" for i in range(batch % 4 + 2)], concurrency=2)
            if batch == 6:
                erp_mode(hub, {"fixed_status": 422})
                send_orders(hub, [f"WEB-REJ-{i}" for i in range(5)], concurrency=2)
                time.sleep(1)
                erp_mode(hub, None)
            time.sleep(2)
        with signed_in_page(hub.console) as page:

            def shot(name: str, path: str, prepare: object = None) -> None:
                page.goto(path)
                if callable(prepare):
                    prepare()
                target = out / f"{name}.png"
                page.screenshot(path=str(target), full_page=True)
                shots.append(target)

            shot("overview", "/console/")
            shot(
                "find",
                "/console/find?q=WEB-0012",
                lambda: (page.click("details summary"), page.wait_for_selector("pre.payload")),
            )
            shot("dead-letters", "/console/dlq?target=erp")
            first = page.locator("table.dlq a").first.get_attribute("href")
            shot(
                "dead-letter",
                first or "/console/dlq",
                lambda: (page.click("details summary"), page.wait_for_selector("pre.payload")),
            )
            shot(
                "dead-letters-confirm",
                "/console/dlq?target=erp",
                lambda: page.click("button[value=replay-filter]"),
            )
            shot("archive", "/console/archive?business_key=WEB-0012")
            shot(
                "archive-confirm",
                "/console/archive?business_key=WEB-0012",
                lambda: page.click("#dry-run-button"),
            )
            page.click("#confirm")
            page.wait_for_selector("#job-state")
            page.wait_for_timeout(2500)  # the job's page refreshes itself until it is done
            shots.append(out / "archive-progress.png")
            page.screenshot(path=str(shots[-1]), full_page=True)
            shot("partners", "/console/partners")
            shot("configuration", "/console/config")
            shot("audit", "/console/audit")
    return shots
