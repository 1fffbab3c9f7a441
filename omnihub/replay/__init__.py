"""Replay: send messages again from a dead-letter queue or from the archive stream."""

from omnihub.replay.archive import ArchiveFilter, read_archive, replay_archive
from omnihub.replay.sender import ReplayReport, ReplaySender

__all__ = ["ArchiveFilter", "ReplayReport", "ReplaySender", "read_archive", "replay_archive"]
