"""List a target's dead letters from the journey store, and never be wrong about the queue.

Reading a DLQ means taking every message out of the broker (about 0.7 s for 1,000), so
the list, its filters and the dry-run count come from the journey store instead
(`parked_query`): the workers write a `dead_lettered` entry when they park a message,
replays and discards a `replayed` / `discarded` one. The queue stays the truth, and
each listing checks the two agree before it trusts the store:

1. what this process recorded (a replay, a discard just made) is written first;
2. the number of messages the store says are parked must equal the queue's depth, with
   no other reader on the queue (a browse, replay or discard in progress holds messages
   and hides them from the count). Writers write every 50 ms, so a mismatch is checked
   again for up to `settle_s` before it counts;
3. still different: the list is read from the queue itself (the old, slow way), and the
   store is repaired so that the next listing agrees: a message in the queue the store
   does not know as parked (its entry was lost while PostgreSQL was away, or the
   broker's delivery limit parked it) gets a `dead_lettered` entry; one the store thinks
   is parked but the queue no longer holds (purged or moved outside omnihub) gets a
   `discarded` entry by ``reconciliation``. A repair is made only when the read saw the
   whole queue with no other reader.

Equal numbers can still hide a swap (as many messages removed outside omnihub as arrived
without an entry): `verify=True` reads the whole queue and repairs whatever differs (the
console does it in the background, `gateway/console/dlq_verifier.py`). While another
reader holds messages the queue cannot be counted: the store's list is returned with
``checked`` false. When PostgreSQL is away the list is read from the queue, unrepaired.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Literal

import msgspec

from omnihub.journey import JourneyEntry, JourneyMeta, JourneyStore, Stage, StoreUnavailable
from omnihub.replay.dlq import DeadLetter, DeadLetterFilter, DeadLetterQueue
from omnihub.replay.parked_query import (
    JourneyDeadLetters,
    Parked,
    error_class,
    parked_from_queue,
    query_parked,
)

__all__ = ["RECONCILER", "DeadLetterListing", "list_parked"]

RECONCILER = "reconciliation"  # the actor of the entries a repair writes
_RECHECK_S = 0.2


class DeadLetterListing(msgspec.Struct, kw_only=True, frozen=True):
    matching: int  # dead letters the filter matches
    items: list[Parked]  # the first `limit` of them, oldest dead letter first
    source: Literal["journeys", "queue"]  # queue: the store disagreed (and was repaired)
    checked: bool = True  # False: another reader held messages, the store was not checked


async def list_parked(
    queue: DeadLetterQueue,
    store: JourneyStore,
    selection: DeadLetterFilter | None = None,
    *,
    limit: int | None = None,
    settle_s: float = 1.0,
    verify: bool = False,
    check: bool = True,
) -> DeadLetterListing:
    """The dead letters of `queue`'s target that `selection` matches (see the module).
    ``check`` False: the store's list without counting the queue (a full comparison of
    it is under way)."""
    selection = selection or DeadLetterFilter()
    deadline = time.monotonic() + settle_s
    try:
        await store.flush()
        while not verify:
            reading = query_parked(store.database, queue.name, queue.target, selection, limit=limit)
            if not check:
                return _listed(await reading, checked=False)
            depth, known = await asyncio.gather(queue.depth(), reading)  # both at once
            if depth.consumers == 0 and known.total == depth.messages:
                return _listed(known, checked=True)
            if time.monotonic() >= deadline:
                if depth.consumers:  # another reader holds messages: cannot count them
                    return _listed(known, checked=False)
                break
            await asyncio.sleep(_RECHECK_S)
    except StoreUnavailable:
        return await _from_queue(queue, None, selection, limit)
    return await _from_queue(queue, store, selection, limit)


def _listed(known: JourneyDeadLetters, *, checked: bool) -> DeadLetterListing:
    return DeadLetterListing(
        matching=known.matching, items=known.items, source="journeys", checked=checked
    )


async def _from_queue(
    queue: DeadLetterQueue,
    store: JourneyStore | None,
    selection: DeadLetterFilter,
    limit: int | None,
) -> DeadLetterListing:
    before = await queue.depth()
    browsed = await queue.browse()
    whole = before.consumers == 0 and len(browsed) == before.messages
    if store is not None and whole:
        await _repair(store, queue, browsed)
    items = [parked_from_queue(d) for d in browsed if selection.matches(d)]
    items.sort(key=lambda p: (p.dead_at, p.message_id))
    return DeadLetterListing(matching=len(items), items=items[:limit], source="queue")


def _cause(item: DeadLetter) -> str:
    """The reason as a worker writes it in a `dead_lettered` entry: the class first."""
    reason = item.reason or ""
    if item.error and error_class(reason) != item.error:
        return f"{item.error}: {reason}"[:300]
    return reason[:300]


async def _repair(store: JourneyStore, queue: DeadLetterQueue, browsed: list[DeadLetter]) -> None:
    """Make the store say what the queue (read whole, just now) holds."""
    try:
        known = await query_parked(store.database, queue.name, queue.target)
    except StoreUnavailable:
        return
    target = queue.target
    in_store = {p.message_id: p for p in known.items}
    in_queue = {d.message_id: d for d in browsed}
    now = datetime.now(UTC)
    for message_id, item in in_queue.items():
        if message_id in in_store:
            continue
        entry = JourneyEntry(
            at=now,
            stage=Stage.DEAD_LETTERED,
            target=target,
            error=_cause(item),
            actor=RECONCILER,  # found in the queue: no entry of the store said so
            detail=queue.name,
        )
        meta = JourneyMeta(
            message_id=message_id,
            partner=item.partner,
            route=item.route,
            event=item.event,
            trace_id="",
            business_key=item.business_key,
        )
        store.started(meta, [entry], item.received_at)  # the identity is kept if known
    for message_id, parked in in_store.items():
        if message_id in in_queue:
            continue
        entry = JourneyEntry(
            at=now,
            stage=Stage.DISCARDED,
            target=target,
            actor=RECONCILER,
            detail=f"no longer in the dead-letter queue of {target}: removed outside omnihub"
            " (a purge, a shovel or another tool)",
        )
        store.record(message_id, parked.event, [entry])
    await store.flush()
