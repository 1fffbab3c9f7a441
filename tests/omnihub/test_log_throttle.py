"""A repeated warning is logged once per interval, with the count of those held back."""

from __future__ import annotations

import logging

import pytest

from omnihub.log_throttle import LogThrottle


def test_one_line_per_interval_and_the_next_says_how_many_were_held(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [100.0]
    throttle = LogThrottle(logging.getLogger("test.throttle"), 5.0, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="test.throttle"):
        for n in range(300):  # an outage: 300 failures within a second
            now[0] = 100.0 + n / 300
            throttle.warning("publish failed for %s", n)
        now[0] = 106.0
        throttle.warning("publish failed for %s", "late")
        now[0] = 120.0
        throttle.warning("publish failed for %s", "later")
    assert [r.getMessage() for r in caplog.records] == [
        "publish failed for 0",
        "publish failed for late (and 299 more like it in the 6 s before)",
        "publish failed for later",
    ]
