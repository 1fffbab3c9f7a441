"""``convert``: money to and from minor units, timestamps and dates between formats and
zones, quantities between units of measure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, tzinfo
from typing import Any

from transforms.pipeline.context import PipelineContext
from transforms.pipeline.conversions import (
    ConversionError,
    check_date_format,
    check_datetime_format,
    check_zone,
    convert_date,
    convert_quantity,
    format_datetime,
    from_minor_units,
    minor_units_converter,
    parse_datetime,
    unit_dimension,
)
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.errors import StepFailure
from transforms.pipeline.findings import FindingKind, Location
from transforms.pipeline.runner import Message, StepFn
from transforms.pipeline.spec import ConvertStep
from transforms.pipeline.spec_convert import (
    DateConversion,
    DateTimeConversion,
    FromMinorUnits,
    ToMinorUnits,
    UomConversion,
)

__all__ = ["compile_convert"]

Converter = Callable[[Any, Any], Any]
"""(value, object holding it) → converted value."""
Prepare = Callable[[Any], Converter]
"""payload root → the converter for this message (reads root-level options once)."""


def _static(convert: Callable[[Any], Any]) -> Prepare:
    def converter(value: Any, holder: Any) -> Any:
        return convert(value)

    return lambda root: converter


def compile_convert(spec: ConvertStep, env: CompileEnv, at: Location) -> StepFn:
    field = env.path(spec.field, (*at, "field"))
    key = field.field_name or ""
    if field.field_name is None:
        env.report(FindingKind.BAD_PATH, (*at, "field"), "convert field must end with a key")
    dest = env.path(spec.to, (*at, "to")) if spec.to is not None else None
    prepare = _converter(spec, env, at)
    required = spec.required

    def run(message: Message, ctx: PipelineContext) -> list[Message]:
        root = message.payload
        holders = field.holders(root)
        convert = prepare(root)
        if required and not holders:
            raise StepFailure("required value is missing", path=field.describe_in(root, None))
        for holder in holders:
            value = holder.get(key)
            if value is None:
                if required:
                    path = field.describe_in(root, holder)
                    raise StepFailure("required value is missing", path=path)
                continue
            try:
                result = convert(value, holder)
            except ConversionError as exc:
                path = field.describe_in(root, holder)
                raise StepFailure(str(exc), path=path, value=value) from exc
            if dest is None:
                holder[key] = result
            else:
                base = root if dest.absolute else holder
                for place in dest.targets(base, create=True):
                    place.container[place.key] = result
        return [message]

    return run


def _converter(spec: ConvertStep, env: CompileEnv, at: Location) -> Prepare:
    if spec.to_minor_units is not None:
        return _to_minor(spec.to_minor_units, env, (*at, "to_minor_units"))
    if spec.from_minor_units is not None:
        return _from_minor(spec.from_minor_units, env, (*at, "from_minor_units"))
    if spec.datetime is not None:
        return _datetime(spec.datetime, env, (*at, "datetime"))
    if spec.date is not None:
        return _date(spec.date, env, (*at, "date"))
    if spec.uom is not None:
        return _uom(spec.uom, env, (*at, "uom"))
    raise AssertionError("ConvertStep.__post_init__ guarantees one option")  # pragma: no cover


def _checked_currency(currency: Any) -> str:
    if not isinstance(currency, str) or len(currency) != 3:
        raise ConversionError(f"no ISO 4217 currency code found (got {currency!r})")
    return currency


def _with_currency(
    constant: str | None,
    path_text: str | None,
    make: Callable[[str], Converter],
    env: CompileEnv,
    at: Location,
) -> Prepare:
    """A ``Prepare`` using ``make(currency)``: the currency is a constant, read once per
    message (``$.`` path), or read from each value's holder (relative path)."""
    if constant is not None:
        fixed = make(constant)
        return lambda root: fixed
    made: dict[str, Converter] = {}  # per currency code seen: the converters are pure

    def for_currency(currency: Any) -> Converter:
        code = _checked_currency(currency)
        converter = made.get(code)
        if converter is None:
            converter = made[code] = make(code)
        return converter

    path = env.path(path_text or "", (*at, "currency_at"))
    if path.absolute:

        def per_message(root: Any) -> Converter:
            try:
                return for_currency(path.first(root))
            except ConversionError as exc:
                return _failing(exc)

        return per_message

    def per_value(value: Any, holder: Any) -> Any:
        return for_currency(path.first(holder))(value, holder)

    return lambda root: per_value


def _failing(exc: ConversionError) -> Converter:
    def fail(value: Any, holder: Any) -> Any:
        raise exc

    return fail


def _to_minor(options: ToMinorUnits, env: CompileEnv, at: Location) -> Prepare:
    rounding = options.rounding
    return _with_currency(
        options.currency,
        options.currency_at,
        lambda currency: minor_units_converter(currency, rounding),
        env,
        at,
    )


def _from_minor(options: FromMinorUnits, env: CompileEnv, at: Location) -> Prepare:
    def make(currency: str) -> Converter:
        return lambda value, holder: from_minor_units(value, currency)

    return _with_currency(options.currency, options.currency_at, make, env, at)


def _zone(name: str, env: CompileEnv, at: Location) -> tzinfo | None:
    try:
        return check_zone(name)
    except ConversionError as exc:
        env.report(FindingKind.BAD_CONVERSION, at, str(exc))
        return None


def _check(check: Callable[[str], None], fmt: str, env: CompileEnv, at: Location) -> None:
    try:
        check(fmt)
    except ConversionError as exc:
        env.report(FindingKind.BAD_CONVERSION, at, str(exc))


def _datetime(options: DateTimeConversion, env: CompileEnv, at: Location) -> Prepare:
    _check(check_datetime_format, options.input_format, env, (*at, "input_format"))
    _check(check_datetime_format, options.output_format, env, (*at, "output_format"))
    zone = _zone(options.zone, env, (*at, "zone")) if options.zone is not None else None
    out_zone = _zone(options.output_zone, env, (*at, "output_zone")) or UTC
    in_fmt, out_fmt = options.input_format, options.output_format

    def convert(value: Any) -> Any:
        return format_datetime(parse_datetime(value, in_fmt, zone), out_fmt, out_zone)

    return _static(convert)


def _date(options: DateConversion, env: CompileEnv, at: Location) -> Prepare:
    _check(check_date_format, options.input_format, env, (*at, "input_format"))
    _check(check_date_format, options.output_format, env, (*at, "output_format"))
    in_fmt, out_fmt = options.input_format, options.output_format
    return _static(lambda value: convert_date(value, in_fmt, out_fmt))


def _uom(options: UomConversion, env: CompileEnv, at: Location) -> Prepare:
    try:
        dimension = unit_dimension(options.to_unit)
        if options.from_unit is not None and unit_dimension(options.from_unit) != dimension:
            raise ConversionError(
                f"cannot convert {options.from_unit} to {options.to_unit}: different dimensions"
            )
    except ConversionError as exc:
        env.report(FindingKind.BAD_CONVERSION, at, str(exc))
    to_unit, places = options.to_unit, options.places
    if options.unit_at is None:
        from_unit = options.from_unit or to_unit
        return _static(lambda value: convert_quantity(value, from_unit, to_unit, places))
    unit_path = env.path(options.unit_at, (*at, "unit_at"))

    def prepare(root: Any) -> Converter:
        return lambda value, holder: convert(value, root if unit_path.absolute else holder)

    def convert(value: Any, base: Any) -> Any:
        unit = unit_path.first(base)
        if not isinstance(unit, str):
            raise ConversionError(f"no unit of measure at {unit_path.text} (got {unit!r})")
        result = convert_quantity(value, unit, to_unit, places)
        for place in unit_path.targets(base, create=True):
            place.container[place.key] = to_unit
        return result

    return prepare
