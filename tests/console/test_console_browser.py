"""The operations console in a real headless Chromium against a real `omnihub dev`.

The tests share one hub; the one that revokes the example partner's key runs last."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.console.conftest import sign_in
from tests.support.live_dev import LiveDev
from tests.support.orders import AUTH, DEMO_KEY, order


def send(dev: LiveDev, number: str, headers: dict[str, str] = AUTH) -> httpx.Response:
    return httpx.post(f"{dev.gateway}/v2/orders", json=order(number), headers=headers, timeout=10)


def wait_for(check: Any, what: str, timeout_s: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"not within {timeout_s} s: {what}")


def erp_records(dev: LiveDev, number: str) -> list[dict[str, Any]]:
    records = httpx.get(f"{dev.sandbox}/_sandbox/erp/records", timeout=5).json()
    return [r for r in records if number in str(r)]


def test_sign_in_then_find_an_order_by_its_number_shows_its_timeline(
    page: Page, console_hub: LiveDev
) -> None:
    assert send(console_hub, "CONSOLE-FIND-1").status_code == 202
    wait_for(lambda: erp_records(console_hub, "CONSOLE-FIND-1"), "the order reached the ERP")
    page.goto("/console/find?q=CONSOLE-FIND-1")
    expect(page).to_have_url(re.compile(r"/console/login"))  # no session: sign in first
    page.fill("input[name=api_key]", "ohk_not_a_key")
    page.click("button[type=submit]")
    expect(page.locator("#login-error")).to_contain_text("not valid")
    sign_in(page)
    page.click("nav >> text=Find a message")
    page.fill("input[name=q]", "CONSOLE-FIND-1")
    page.click("form.search button")
    journey = page.locator("article.journey")
    expect(journey).to_have_count(1)
    timeline = journey.locator("table.timeline")
    wait_for(lambda: page.reload() or "delivered" in timeline.inner_text(), "the delivered entry")
    text = timeline.inner_text()
    for stage in ("received", "published", "attempt", "delivered"):
        assert stage in text, text
    assert "erp" in text
    journey.locator("summary").click()
    expect(journey.locator("pre.payload")).to_contain_text('"order_number": "CONSOLE-FIND-1"')


def test_a_failing_erp_fills_the_dlq_on_the_overview_and_a_console_replay_delivers_them(
    page: Page, console_hub: LiveDev
) -> None:
    mode = f"{console_hub.sandbox}/_sandbox/erp/mode"
    httpx.put(mode, json={"fixed_status": 422}, timeout=5).raise_for_status()
    try:
        numbers = [f"CONSOLE-DLQ-{i}" for i in range(3)]
        for number in numbers:
            assert send(console_hub, number).status_code == 202
        sign_in(page)
        dlq = page.locator("#dlq-erp")
        expect(dlq).to_have_text("DLQ 3", timeout=30_000)  # the overview refreshes itself
    finally:
        httpx.delete(mode, timeout=5).raise_for_status()
    page.click("#dlq-erp")
    expect(page.locator("#dlq-count")).to_contain_text("3 dead letter(s) in erp")
    expect(page.locator("table.dlq")).to_contain_text("RejectedByTarget")
    page.click("button[value=replay-filter]")
    expect(page.locator("#dry-run")).to_contain_text(
        "Dry run: 3 message(s) of erp would be replayed"
    )
    page.click("#confirm")
    expect(page.locator(".flash")).to_contain_text("Replayed 3 message(s) of erp")
    for number in numbers:
        wait_for(
            lambda n=number: (
                any(r.get("status") != 422 for r in erp_records(console_hub, n))
                or erp_records(console_hub, n)
            ),
            f"{number} delivered",
        )
    page.goto("/console/find?q=CONSOLE-DLQ-0")
    timeline = page.locator("table.timeline")
    wait_for(
        lambda: page.reload() or "delivered" in timeline.inner_text(), "delivered after replay"
    )
    assert "ops-demo" in timeline.inner_text()  # the replay names who asked
    page.goto("/console/audit")
    expect(page.locator("table.audit")).to_contain_text("dlq.replay")


def test_an_archive_replay_counts_first_then_shows_its_progress_and_is_in_the_journey(
    page: Page, console_hub: LiveDev
) -> None:
    assert send(console_hub, "CONSOLE-ARCH-1").status_code == 202
    wait_for(lambda: erp_records(console_hub, "CONSOLE-ARCH-1"), "the order reached the ERP")
    sign_in(page)
    page.goto("/console/archive")
    page.fill("input[name=business_key]", "CONSOLE-ARCH-1")
    page.check("input[name=target][value=erp]")
    page.click("#dry-run-button")
    expect(page.locator("#dry-run")).to_contain_text(
        "Dry run: 1 deliveries would be replayed (erp: 1)"
    )
    page.click("#confirm")
    expect(page.locator("#job-state")).to_contain_text("done", timeout=20_000)
    expect(page.locator("#job-matched")).to_have_text("1")
    page.goto("/console/find?q=CONSOLE-ARCH-1")
    timeline = page.locator("table.timeline")
    expect(timeline).to_contain_text("replayed")
    expect(timeline).to_contain_text("hub-operators/ops-demo")


def test_a_key_revoked_in_the_console_gets_401_without_a_gateway_restart(
    page: Page, console_hub: LiveDev
) -> None:
    assert send(console_hub, "CONSOLE-KEY-1").status_code == 202
    sign_in(page)
    page.goto("/console/partners")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#revoke-acme-demo")
    expect(page.locator(".flash")).to_contain_text("Revoked key acme-demo of acme-market")
    wait_for(
        lambda: send(console_hub, "CONSOLE-KEY-2").status_code == 401,
        "the gateway refuses the revoked key",
        timeout_s=15,
    )
    page.click("#add-key-acme-market")
    new_key = page.locator("#new-key").inner_text().strip()
    assert new_key.startswith("ohk_") and new_key != DEMO_KEY
    bearer = {"Authorization": f"Bearer {new_key}"}
    wait_for(
        lambda: send(console_hub, "CONSOLE-KEY-3", bearer).status_code == 202,
        "the gateway accepts the new key",
        timeout_s=15,
    )
    page.goto("/console/partners")
    assert new_key not in page.content()  # shown once, never again


def test_a_change_posted_without_the_csrf_token_is_refused(
    page: Page, console_hub: LiveDev
) -> None:
    sign_in(page)
    page.goto("/console/partners")
    keys = page.locator("#partner-acme-market tbody tr")
    before = keys.count()
    refused = page.request.post(
        "/console/partners/acme-market/keys", form={"action": "add"}, max_redirects=0
    )
    assert refused.status == 403
    assert "CSRF" in refused.text()
    forged = page.request.post(
        "/console/partners/acme-market/keys", form={"csrf": "not-the-token"}, max_redirects=0
    )
    assert forged.status == 403
    page.goto("/console/partners")
    assert keys.count() == before  # no key was added
    cookie = next(c for c in page.context.cookies() if c["name"] == "omnihub_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
