"""Large interchanges are read as a stream: sets arrive before the input is exhausted."""

from __future__ import annotations

from collections.abc import Iterator

from transforms.edi.x12.stream import SetRead, iter_x12

ISA = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
    "*261123*1430*U*00401*000000001*0*P*>~\nGS*SH*SENDER*RECEIVER*20261123*1430*1*X*004010~\n"
)


def big_interchange(sets: int, produced: list[int]) -> Iterator[bytes]:
    yield ISA.encode()
    for number in range(1, sets + 1):
        produced[0] = number
        control = f"{number:04d}"
        yield (
            f"ST*856*{control}~\nBSN*00*A{number}*20261123*1200~\nHL*1**S~\nSE*4*{control}~\n"
        ).encode()
    yield f"GE*{sets}*1~\nIEA*1*000000001~\n".encode()


def test_first_set_is_read_before_the_input_is_exhausted() -> None:
    produced = [0]
    events = iter_x12(big_interchange(100_000, produced))
    first = next(events)
    assert isinstance(first, SetRead)
    assert first.transaction_set.control_number == "0001"
    assert produced[0] < 10


def test_every_set_of_a_large_interchange_is_read() -> None:
    produced = [0]
    sets = sum(
        isinstance(e, SetRead) and e.accepted for e in iter_x12(big_interchange(5_000, produced))
    )
    assert sets == 5_000
