"""No address or form value with a NUL byte gets past a 400 or 404.

PostgreSQL cannot store NUL in text and its driver raises on one, so a `%00` that reaches a
query is a 500 with a traceback. The walk below builds every route of the resolver (ours, the
admin's, allauth's) with a NUL in each of its parameters in turn, and requests it as nobody, as
a member of the circle and as platform staff.
"""

import re
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from municipalities.services import make_token
from tests.factories import UserFactory

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def routes() -> list[str]:
    """Every route of the project as written in its URLconf, regexes included."""

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            elif isinstance(pattern, URLPattern):
                yield route

    return sorted(set(walk(get_resolver())))


def _named_groups(regex: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each (?P<name>...) group, nested parentheses allowed."""
    groups = []
    for match in re.finditer(r"\(\?P<(\w+)>", regex):
        depth, index = 1, match.end()
        while depth:
            if regex[index] == "\\":
                index += 2
                continue
            depth += {"(": 1, ")": -1}.get(regex[index], 0)
            index += 1
        groups.append((match.start(), index, match.group(1)))
    return groups


def parameters(route: str) -> list[str]:
    return [m.group("name") for m in PARAMETER.finditer(route)] + [
        name for _start, _end, name in _named_groups(route)
    ]


def build(route: str, values: dict[str, str]) -> str:
    """A concrete path: each parameter replaced by its value (already URL-encoded); one the
    sample values do not know gets "1", which the int converter takes."""
    for start, end, name in reversed(_named_groups(route)):
        route = route[:start] + values.get(name, "1") + route[end:]
    route = PARAMETER.sub(lambda m: values.get(m.group("name"), "1"), route)
    route = route.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + route


@pytest.fixture
def sample_values(world) -> dict[str, str]:
    """Values that reach each view's code: the world's real circle, municipality and tokens."""
    return {
        "slug": world.circle.slug,
        "cbs_code": world.breda.cbs_code,
        "pk": str(world.meeting.pk),
        "item": str(world.agenda_item.pk),
        "outcome": str(world.agreement.pk),
        "token": make_token(world.invitation),
        "object_id": str(world.meeting.pk),
        "app_label": "meetings",
        "content_type_id": "1",
        "url": "onbekend/",
        "key": "ongeldige-sleutel",
        "uidb36": "1",
    }


def test_the_walk_finds_our_parameters():
    found = {name for route in routes() for name in parameters(route)}
    assert {"slug", "cbs_code", "pk", "token", "object_id", "app_label", "key"} <= found


@pytest.mark.parametrize("person", ["anonymous", "researcher", "staff"])
def test_a_nul_in_any_url_parameter_is_refused_not_a_server_error(world, sample_values, person):
    client = Client()
    if person == "researcher":
        client.force_login(world.researcher)
    elif person == "staff":
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
    tried = 0
    for route in routes():
        names = parameters(route)
        for name in names:
            for poisoned in ("%00", sample_values.get(name, "1") + "%00"):
                path = build(route, {**sample_values, name: poisoned})
                for method in ("get", "post"):
                    response = getattr(client, method)(path)
                    tried += 1
                    assert response.status_code in (400, 404), (method, path, response.status_code)
    assert tried > 100


def test_the_resolver_itself_refuses_a_nul_in_a_token_or_cbs_code(client, db):
    """Behind the middleware, the converters refuse it too."""
    for path in (
        "/agenda/%00.ics",
        "/agenda/" + "a" * 42 + "%00.ics",
        "/uitnodiging/" + "a" * 40 + "%00/",
        "/kringen/vakmanschap/gemeenten/GM07%0058/",
        "/kringen/vakmanschap/gemeenten/GM0758%00/",
    ):
        with pytest.raises(Resolver404):
            resolve(unquote(path))
        assert client.get(path).status_code == 400


@pytest.mark.parametrize("person", ["anonymous", "researcher"])
def test_nul_in_a_query_or_form_value_gets_our_400_page(world, as_role, person):
    client = as_role(person)
    for response in (
        client.get("/", {"q": "a\x00b"}),
        client.get("/", {"a\x00": "b"}),
        client.post(reverse("set_language"), {"language": "en", "next": "/\x00"}),
        client.post(
            reverse("municipalities:intake_notes", args=[world.circle.slug, "GM0758"]),
            {"intake_notes": "\x00"},
        ),
    ):
        assert response.status_code == 400
        html = response.content.decode()
        assert "Ongeldig verzoek" in html
        assert '<main id="main"' in html
        assert "\x00" not in html


def test_nul_in_a_cookie_gets_a_400(client, db):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/").status_code == 400


def test_strict_converters_still_take_real_values(world):
    assert reverse("calendar_feed", args=[world.participant.calendar_token]).endswith(".ics")
    assert reverse("invitation_accept", args=[make_token(world.invitation)])
    assert reverse("municipalities:municipality", args=[world.circle.slug, "GM0758"])


@pytest.mark.parametrize(
    "path",
    [
        "/kringen/vakmanschap/gemeenten/gm0758/",
        "/kringen/vakmanschap/gemeenten/GM075/",
        "/kringen/vakmanschap/gemeenten/GM07580/",
        "/kringen/vakmanschap/gemeenten/GM٠٧٥٨/",  # Arabic-Indic digits: \d would take them
        "/agenda/" + "a" * 44 + ".ics",
        "/agenda/" + "a" * 42 + "!.ics",
        "/uitnodiging/" + "a" * 301 + "/",
        "/uitnodiging/abc.def%20ghi/",
    ],
)
def test_values_that_cannot_be_ours_are_not_found(world, as_role, path):
    assert as_role("researcher").get(path).status_code == 404


OUR_CONVERTERS = {
    "int",
    "slug",
    "cbs",
    "invitation_token",
    "calendar_token",
    "figure",  # reflections.analysis_views.FigureConverter: the figures that exist
    "export_format",  # reflections.export_views.ExportFormatConverter: csv or json
}


def test_our_routes_take_only_strict_converters():
    """No `<str:…>` or `<path:…>` in our own URLconfs: each value has a converter as strict as
    what it carries (the admin's and allauth's routes are theirs)."""
    ours = [r for r in routes() if not r.startswith(("beheer/", "accounts/"))]
    loose = {
        route: m.group("converter") or "str"
        for route in ours
        for m in PARAMETER.finditer(route)
        if (m.group("converter") or "str") not in OUR_CONVERTERS
    }
    assert not loose
    assert not [route for route in ours if "(?P<" in route]
