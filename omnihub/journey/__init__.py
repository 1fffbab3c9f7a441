"""Journeys: what happened to each message, stored in Redis, found by id, trace or key."""

from omnihub.journey.model import Journey, JourneyEntry, JourneyMeta, Stage
from omnihub.journey.store import JourneyStore
from omnihub.journey.timeline import render_timeline

__all__ = ["Journey", "JourneyEntry", "JourneyMeta", "JourneyStore", "Stage", "render_timeline"]
