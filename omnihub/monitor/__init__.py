"""Watching: SLAs checked, breaches grouped into exceptions, alerts sent (issue 18)."""

from omnihub.monitor.classify import Breach, Cause, Impact
from omnihub.monitor.exceptions import ExceptionStore, ExceptionView
from omnihub.monitor.monitor import Monitor, RoundReport
from omnihub.monitor.sent_groups import AckResult, SentGroupRecord, SentGroups

__all__ = [
    "AckResult",
    "Breach",
    "Cause",
    "ExceptionStore",
    "ExceptionView",
    "Impact",
    "Monitor",
    "RoundReport",
    "SentGroupRecord",
    "SentGroups",
]
