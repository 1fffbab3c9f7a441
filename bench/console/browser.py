"""Debian's Chromium driven by Playwright (never Playwright's own browser downloads),
signed in to a console."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from playwright.sync_api import Page, sync_playwright

from bench.console.live_hub import ADMIN_KEY

__all__ = ["CHROMIUM", "signed_in_page"]

CHROMIUM = "/usr/bin/chromium"


@contextlib.contextmanager
def signed_in_page(console: str, *, width: int = 1400, height: int = 900) -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            context = browser.new_context(
                base_url=console, viewport={"width": width, "height": height}
            )
            page = context.new_page()
            page.goto("/console/")
            page.fill("input[name=api_key]", ADMIN_KEY)
            page.click("button[type=submit]")
            page.wait_for_url("**/console/")
            yield page
        finally:
            browser.close()
