"""EDI codecs at the edge of the canonical model: X12 and EDIFACT in and out.

Inbound: :func:`read_x12` / :func:`read_edifact` read a whole document, check its
envelopes, map each accepted set/message to a canonical event and build the
acknowledgements (997/999 + TA1, CONTRL). :func:`iter_x12` / :func:`iter_edifact`
stream very large interchanges.
Outbound: ``write_856`` / ``write_850`` / ``write_940`` / ``write_desadv`` render
canonical documents; :func:`write_interchange` envelopes them with control numbers
from a :class:`ControlNumberAllocator`. Everything here is pure: no I/O, no clock.
"""

from transforms.edi.control_numbers import (
    ControlNumberAllocator,
    InMemoryControlNumbers,
    control_number_scope,
)
from transforms.edi.edifact.contrl import ContrlAck
from transforms.edi.edifact.contrl_writer import write_contrl
from transforms.edi.edifact.mapping.desadv_write import write_desadv
from transforms.edi.edifact.mapping.orders_write import write_orders
from transforms.edi.edifact.read import iter_edifact, read_edifact
from transforms.edi.edifact.results import (
    EdifactInterchangeResult,
    EdifactReadResult,
    MessageResult,
)
from transforms.edi.edifact.settings import EdifactReadSettings
from transforms.edi.edifact.writer import EdifactEnvelopeSettings
from transforms.edi.errors import (
    EdiDecodeError,
    EdiError,
    EdifactSyntaxError,
    EdiMappingError,
    EdiSyntaxError,
    EdiUnmappableError,
    EdiWriteError,
    X12SyntaxError,
)
from transforms.edi.findings import Finding, Kind, Level, Severity
from transforms.edi.mapped import Mapped
from transforms.edi.mapping_settings import MappingSettings
from transforms.edi.strictness import Strictness
from transforms.edi.unmapped import UnmappedDocument
from transforms.edi.x12.ack_matching import (
    AckMatch,
    SentGroup,
    match_acknowledgement,
    sent_group_key,
)
from transforms.edi.x12.ack_writer import write_acknowledgements
from transforms.edi.x12.acks import AckStatus, FunctionalAck, InterchangeAck
from transforms.edi.x12.mapping.asn_856_write import write_856
from transforms.edi.x12.mapping.order_850_write import write_850
from transforms.edi.x12.mapping.order_940_write import write_940
from transforms.edi.x12.read import read_x12
from transforms.edi.x12.results import (
    GroupResult,
    InterchangeResult,
    SetResult,
    X12ReadResult,
)
from transforms.edi.x12.settings import AckKind, X12ReadSettings
from transforms.edi.x12.stream import iter_x12
from transforms.edi.x12.writer import (
    EnvelopeSettings,
    OutboundSet,
    WrittenInterchange,
    write_interchange,
)

__all__ = [
    "AckKind",
    "AckMatch",
    "AckStatus",
    "ContrlAck",
    "ControlNumberAllocator",
    "EdiDecodeError",
    "EdiError",
    "EdiMappingError",
    "EdiSyntaxError",
    "EdiUnmappableError",
    "EdiWriteError",
    "EdifactEnvelopeSettings",
    "EdifactInterchangeResult",
    "EdifactReadResult",
    "EdifactReadSettings",
    "EdifactSyntaxError",
    "EnvelopeSettings",
    "Finding",
    "FunctionalAck",
    "GroupResult",
    "InMemoryControlNumbers",
    "InterchangeAck",
    "InterchangeResult",
    "Kind",
    "Level",
    "Mapped",
    "MappingSettings",
    "MessageResult",
    "OutboundSet",
    "SentGroup",
    "SetResult",
    "Severity",
    "Strictness",
    "UnmappedDocument",
    "WrittenInterchange",
    "X12ReadResult",
    "X12ReadSettings",
    "X12SyntaxError",
    "control_number_scope",
    "iter_edifact",
    "iter_x12",
    "match_acknowledgement",
    "read_edifact",
    "read_x12",
    "sent_group_key",
    "write_850",
    "write_856",
    "write_940",
    "write_acknowledgements",
    "write_contrl",
    "write_desadv",
    "write_interchange",
    "write_orders",
]
