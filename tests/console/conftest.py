"""One live `omnihub dev` (on a copy of the example configuration, since the tests revoke
a key) and one headless Chromium shared by the console's browser tests.

The browser is Debian's Chromium (/usr/bin/chromium; scripts/test-tools.sh installs it),
driven by Playwright through `executable_path`: Playwright's own browser downloads are
never used. Every request a page makes is recorded, and each test checks at its end that
none went anywhere but 127.0.0.1."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from omnihub.settings import Settings
from tests.support.configs import example_copy
from tests.support.live_dev import LiveDev, live_dev
from tests.support.ports import free_ports_in_a_row
from tests.support.services import REDIS_URL, Vhost

CHROMIUM = Path("/usr/bin/chromium")
ADMIN_KEY = "ohk_demo_ops_Hq4Zt8Vn2Lm6Xc1Rb9Kw3Pd7"  # the example configuration's admin key
TARGETS = ("carrier", "erp", "partner-webhooks", "storefront", "warehouse")


@pytest.fixture(scope="module")
def console_hub(
    vhost: Vhost, redis_prefix: str, postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveDev]:
    directory = example_copy(tmp_path_factory.mktemp("console-config"))
    settings = Settings(
        amqp_url=vhost.url,
        redis_url=REDIS_URL,
        postgres_url=postgres_url,
        prefix=f"{redis_prefix}-console",
    )
    with live_dev(
        settings,
        config=directory,
        targets=TARGETS,
        health_base=free_ports_in_a_row(len(TARGETS)),
    ) as dev:
        yield dev


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.fail("Chromium is not installed: apt-get install chromium (scripts/test-tools.sh)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser, console_hub: LiveDev) -> Iterator[Page]:
    """A fresh browser context (no cookies); fails the test if the page asked any host
    but 127.0.0.1."""
    context = browser.new_context(base_url=console_hub.console)
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    try:
        yield page
    finally:
        context.close()
    assert asked, "the page made no request at all"
    elsewhere = [u for u in asked if urlsplit(u).hostname != "127.0.0.1"]
    assert elsewhere == [], f"the console asked hosts other than 127.0.0.1: {elsewhere}"


def sign_in(page: Page, key: str = ADMIN_KEY) -> None:
    page.goto("/console/")
    page.fill("input[name=api_key]", key)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/")
