"""URL and header templates filled from the payload."""

from __future__ import annotations

import pytest

from connectors import MappingFailed
from connectors.template import Template, TemplateError

PAYLOAD = {"order_number": "A/1 2", "lines": [{"sku": "S-9"}], "paid": True, "total": 12}


def test_placeholders_are_filled_and_url_encoded() -> None:
    t = Template("/orders/{order_number}/lines/{lines[0].sku}")
    assert t.render(PAYLOAD, url=True) == "/orders/A%2F1%202/lines/S-9"


def test_header_values_are_not_url_encoded() -> None:
    assert Template("ref {order_number}").render(PAYLOAD, url=False) == "ref A/1 2"


def test_booleans_and_numbers_render_as_json_would() -> None:
    assert Template("/{paid}/{total}").render(PAYLOAD, url=True) == "/true/12"


def test_a_missing_field_is_a_mapping_failure_naming_the_placeholder() -> None:
    with pytest.raises(MappingFailed, match=r"customer\.id"):
        Template("/customers/{customer.id}").render(PAYLOAD, url=True)


def test_an_object_is_not_a_path_segment() -> None:
    with pytest.raises(MappingFailed, match="not a single value"):
        Template("/x/{lines}").render(PAYLOAD, url=True)


@pytest.mark.parametrize("bad", ["/x/{}", "/x/{a..b}", "/x/{a", "/x/{a b}"])
def test_bad_templates_are_refused_when_built(bad: str) -> None:
    with pytest.raises(TemplateError):
        Template(bad)
