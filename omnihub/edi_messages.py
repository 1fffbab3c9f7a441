"""Messages about EDI that travel on the broker between the gateway and the workers."""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = ["OutboundAcknowledgement"]


class OutboundAcknowledgement(msgspec.Struct, frozen=True, kw_only=True):
    """A 997/TA1 (X12) or CONTRL (EDIFACT) to send to a partner later, not in the response.

    Published by the gateway under the EDI route's `event` when the partner's agreement
    says ``acknowledge: async``; an `edi` target delivers `text` as it is.
    """

    standard: Literal["x12", "edifact"]
    partner: str
    text: str  # a whole interchange (ISA..IEA / UNA UNB..UNZ)
    acknowledges: str  # the control number of the interchange it answers (ISA13 / UNB 0020)
