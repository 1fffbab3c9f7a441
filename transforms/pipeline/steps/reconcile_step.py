"""``reconcile``: the money of a canonical order must add up to what the partner stated.

lines (quantity x unit price - discount + tax) + shipping charge + order tax = total,
every amount in minor units (run ``convert: to_minor_units`` first), within a tolerance
of a few minor units for rounding. A mapping that drops a discount, the shipping or the
tax is caught here instead of reaching the ERP with the wrong total: ``on_mismatch:
reject`` fails the message; ``flag`` writes the finding at ``flag_at`` in the payload and
raises it as the message's flag (`PipelineOutput.flags`), which the gateway writes into
the message's journey.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from transforms.model.currency import minor_unit_exponent
from transforms.pipeline.context import PipelineContext
from transforms.pipeline.conversions.errors import ConversionError
from transforms.pipeline.conversions.money import decimal_of
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.errors import NO_VALUE, StepFailure
from transforms.pipeline.findings import FindingKind, Location
from transforms.pipeline.paths import FieldPath
from transforms.pipeline.runner import Message, StepFn
from transforms.pipeline.spec import OnMismatch, ReconcileStep

__all__ = ["DEFAULT_FLAG_AT", "Balance", "balance_of", "compile_reconcile"]

DEFAULT_FLAG_AT = "attributes.reconciliation"


class Balance:
    """The parts of an order's money, in minor units."""

    __slots__ = ("discounts", "lines", "shipping", "tax")

    def __init__(self) -> None:
        self.lines = self.discounts = self.shipping = self.tax = Decimal(0)

    @property
    def total(self) -> int:
        exact = self.lines - self.discounts + self.shipping + self.tax
        return int(exact.to_integral_value(ROUND_HALF_EVEN))


def _amount(obj: Any, key: str, where: str) -> Decimal:
    """``obj[key].amount`` as minor units (0 when the money is absent)."""
    money = obj.get(key) if isinstance(obj, dict) else None
    if money is None:
        return Decimal(0)
    amount = money.get("amount") if isinstance(money, dict) else money
    if amount is None:
        return Decimal(0)
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise StepFailure(
            "reconcile adds minor units (integers): convert this amount with "
            "to_minor_units before the reconcile step",
            path=f"{where}.{key}.amount",
            value=amount,
        )
    return Decimal(amount)


def balance_of(order: Any) -> Balance:
    """Add up a canonical order (a JSON object); StepFailure names a value it cannot add."""
    balance = Balance()
    lines = order.get("lines") if isinstance(order, dict) else None
    for index, line in enumerate(lines if isinstance(lines, list) else []):
        where = f"$.lines[{index}]"
        quantity = (line.get("quantity") or {}).get("value") if isinstance(line, dict) else None
        try:
            count = decimal_of(quantity)
        except ConversionError as exc:
            raise StepFailure(str(exc), path=f"{where}.quantity.value", value=quantity) from None
        balance.lines += count * _amount(line, "unit_price", where)
        balance.discounts += _amount(line, "discount", where)
        balance.tax += _amount(line, "tax", where)
    balance.shipping = _amount(order, "shipping_charge", "$")
    balance.tax += _amount(order, "tax", "$")
    return balance


def _money(minor: Decimal | int, currency: str) -> str:
    exponent = minor_unit_exponent(currency)
    return f"{Decimal(minor).scaleb(-exponent):.{exponent}f}"


def _finding(balance: Balance, stated: Any, currency: str, tolerance: int, at: str) -> str | None:
    """What does not add up, or None when the order balances."""
    parts = (
        f"lines {_money(balance.lines, currency)} - discounts "
        f"{_money(balance.discounts, currency)} + shipping {_money(balance.shipping, currency)}"
        f" + tax {_money(balance.tax, currency)} = {_money(balance.total, currency)} {currency}"
    )
    if stated is None:
        return f"the order states no total at {at} to reconcile {parts} against"
    if isinstance(stated, bool) or not isinstance(stated, int):
        return f"the stated total at {at} is not in minor units: {stated!r}"
    difference = balance.total - stated
    if abs(difference) <= tolerance:
        return None
    more_or_less = "more" if difference > 0 else "less"
    return (
        f"the order does not balance: {parts}, but the partner's total is "
        f"{_money(stated, currency)} {currency}: {_money(abs(difference), currency)} "
        f"{currency} {more_or_less} than stated (tolerance {_money(tolerance, currency)})"
    )


def _single(env: CompileEnv, text: str, at: Location) -> FieldPath:
    path = env.path(text, at)
    if "[]" in text:
        env.report(FindingKind.BAD_PATH, at, f"{text!r} must name one value, not every element")
    return path


def compile_reconcile(spec: ReconcileStep, env: CompileEnv, at: Location) -> StepFn:
    total = _single(env, spec.total, (*at, "total"))
    flag_at = _single(env, spec.flag_at or DEFAULT_FLAG_AT, (*at, "flag_at"))
    if spec.flag_at is not None and spec.on_mismatch is OnMismatch.REJECT:
        env.report(
            FindingKind.BAD_STEP,
            (*at, "flag_at"),
            "flag_at is used only with on_mismatch: flag (reject fails the message instead)",
        )
    reject = spec.on_mismatch is OnMismatch.REJECT
    tolerance, where, label = spec.tolerance, f"$.{spec.total}", f"reconcile '{spec.label}'"

    def run(message: Message, ctx: PipelineContext) -> list[Message]:
        payload = message.payload
        found = [t.get() for t in total.targets(payload) if t.exists()]
        stated = found[0] if found else None
        currency = payload.get("currency") if isinstance(payload, dict) else None
        text = _finding(balance_of(payload), stated, str(currency or ""), tolerance, where)
        if text is None:
            return [message]
        if reject:
            raise StepFailure(text, path=where, value=stated if found else NO_VALUE)
        for target in flag_at.targets(payload, create=True):
            target.container[target.key] = text
        message.flags.append(f"{label}: {text}")  # for the message's journey
        return [message]

    return run
