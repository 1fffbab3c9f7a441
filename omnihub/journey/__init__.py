"""Journeys: what happened to each message, kept in PostgreSQL, found by id, trace or key.

Writers (`JourneyWriter`) buffer rows and write them in batches off the request and
delivery paths; readers go through `JourneyQueries` (lookups, not-delivered) and
`insights` (timings per route and target). `JourneyStore` bundles the three for a
process part.
"""

from omnihub.journey.database import JourneyDatabase, StoreUnavailable
from omnihub.journey.insights import Insight, insights
from omnihub.journey.model import Journey, JourneyEntry, JourneyMeta, Stage, outcome_of
from omnihub.journey.queries import JourneyQueries, NotDelivered
from omnihub.journey.retention import Retention
from omnihub.journey.store import JourneyRecorder, JourneyStore
from omnihub.journey.timeline import render_timeline
from omnihub.journey.writer import JourneyWriter

__all__ = [
    "Insight",
    "Journey",
    "JourneyDatabase",
    "JourneyEntry",
    "JourneyMeta",
    "JourneyQueries",
    "JourneyRecorder",
    "JourneyStore",
    "JourneyWriter",
    "NotDelivered",
    "Retention",
    "Stage",
    "StoreUnavailable",
    "insights",
    "outcome_of",
    "render_timeline",
]
