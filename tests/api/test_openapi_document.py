"""The OpenAPI document tells clients about errors and the staff token, operation by operation."""

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient

from calendar_service.domain.access import ROLES

METHODS = ("get", "post", "put", "patch", "delete")


async def test_every_api_operation_lists_its_errors_and_staff_ones_the_token(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    doc = (await client.get("/schema/openapi.json")).json()
    assert doc["components"]["securitySchemes"]["StaffToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["StaffToken"]["description"],
    }
    staff = {
        (re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path), method.lower())
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if set(handler.opt.get("roles") or ()) & set(ROLES)
        for method in handler.http_methods
    }
    checked = 0
    for path, item in doc["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            assert "422" in operation["responses"], (method, path)
            error = operation["responses"]["422"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorRead"}
            if (path, method) in staff:
                assert {"401", "403"} <= set(operation["responses"]), (method, path)
                assert operation["security"] == [{"StaffToken": []}], (method, path)
                checked += 1
            else:
                assert "security" not in operation, (method, path)
    assert checked == len(staff) > 30


def _one_of_integer_number(node: object, path: str = "") -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        types = sorted(str(s.get("type")) for s in node.get("oneOf", []) if isinstance(s, dict))
        if types == ["integer", "number"]:
            found.append(path)
        for key, value in node.items():
            found += _one_of_integer_number(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _one_of_integer_number(value, f"{path}/{index}")
    return found


async def test_numbers_are_one_type_that_integers_match_once(client: AsyncTestClient[Litestar]) -> None:
    """`oneOf: [integer, number]` makes validating clients refuse every integer (it matches both)."""
    doc = (await client.get("/schema/openapi.json")).json()
    assert _one_of_integer_number(doc) == []
    weight = doc["components"]["schemas"]["CriterionRead"]["properties"]["weight"]
    assert weight == {"type": "number"}
    criterion_in = doc["components"]["schemas"]["CriterionIn"]["properties"]["weight"]
    assert criterion_in == {"type": "number", "default": 1}
    yaml_doc = (await client.get("/schema/openapi.yaml")).text
    assert "oneOf" not in yaml_doc.split("CriterionRead:")[1].split("required")[0]


async def test_bodies_exports_pages_and_feeds_are_documented_as_they_are(client: AsyncTestClient[Litestar]) -> None:
    """What schemathesis (session 4) found the document did not say: closed request bodies, real content types."""
    doc = (await client.get("/schema/openapi.json")).json()
    schemas = doc["components"]["schemas"]
    assert schemas["RegistrationCreate"]["additionalProperties"] is False, "unknown fields are refused (422)"
    assert "additionalProperties" not in schemas["RegistrationRead"]
    export = doc["paths"]["/api/staff/events/{slug}/attendees"]["get"]["responses"]["200"]["content"]
    assert set(export) == {
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/json",
    }
    page = doc["paths"]["/events/{name}"]["get"]["responses"]
    assert set(page["200"]["content"]) == {"text/html", "text/calendar"} and "404" in page and "304" in page
    confirm = doc["paths"]["/registrations/confirm/{confirm_token}"]["post"]["responses"]
    assert {"200", "404", "409", "410"} <= set(confirm)
    assert (await client.get("/events/nope")).status_code == 404
    feed = doc["paths"]["/calendars/{name}"]["get"]["responses"]
    assert "422" in feed, "a bad feed filter (?mode=x) is a 422 naming it"
