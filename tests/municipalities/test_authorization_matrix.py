"""Every URL of the project against every kind of person.

The URL list comes from the resolver, not from a hand-written list: a new view without an entry
in EXPECTED fails `test_every_url_has_an_expectation`. Outcomes are classes, not status codes:
  ok      the request got through the permission layer (2xx, 3xx elsewhere, or 400 on bad input)
  login   redirected to a login page
  hidden  404: outsiders of a circle get this, so nothing hints that the circle exists
  denied  403: a member of the circle without the right (the attempt is in the audit log)
  method  405: the URL takes another method
"""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from municipalities.services import make_token

PEOPLE = [
    "anonymous",
    "outsider",
    "researcher",
    "organiser",
    "coordinator",
    "other_coordinator",
    "participant",
    "trainer",
]
MEMBERS = PEOPLE[2:]


def url_names() -> list[str]:
    """Every URL pattern of the project: its name (with namespace) or, if unnamed, its route."""

    def walk(resolver, prefix="", namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield (
                    f"{namespace}{pattern.name}" if pattern.name else prefix + str(pattern.pattern)
                )

    return sorted(set(walk(get_resolver())))


@dataclass
class Case:
    """How to call a URL and what each person should get."""

    expected: dict[str, str]
    kwargs: object = None  # a function of the world giving the URL's kwargs
    method: str = "get"
    data: dict = field(default_factory=dict)
    path: object = None  # for unnamed patterns: a function of the world giving the path


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(PEOPLE, outcome)


def only(*allowed: str) -> dict[str, str]:
    """A circle page for some members: the rest of the circle 403, outsiders 404."""
    expected = {"anonymous": "login", "outsider": "hidden"}
    expected.update({person: "ok" if person in allowed else "denied" for person in MEMBERS})
    return expected


MEMBERS_ONLY = only(*MEMBERS)
LOGGED_IN = {"anonymous": "login", **dict.fromkeys(PEOPLE[1:], "ok")}


def circle(world):
    return {"slug": world.circle.slug}


def breda(world):
    return {"slug": world.circle.slug, "cbs_code": world.breda.cbs_code}


def meeting(world):
    return {"slug": world.circle.slug, "pk": world.meeting.pk}


def token(world):
    return {"token": make_token(world.invitation)}


EXPECTED: dict[str, Case] = {
    # Public pages and plumbing
    "home": Case(everyone("ok")),
    "accessibility": Case(everyone("ok")),
    "healthz": Case(everyone("ok")),
    "set_language": Case(everyone("ok"), method="post", data={"language": "en"}),
    # A circle's people
    "municipalities:circle": Case(MEMBERS_ONLY, circle),
    "municipalities:participants": Case(MEMBERS_ONLY, circle),
    "municipalities:circle_edit": Case(only("researcher"), circle),
    "municipalities:audit_log": Case(only("researcher"), circle),
    "municipalities:participation_add": Case(only("researcher"), circle),
    "municipalities:municipality_new": Case(only("researcher"), circle),
    "municipalities:municipality": Case(MEMBERS_ONLY, breda),
    "municipalities:municipality_edit": Case(only("researcher", "coordinator"), breda),
    "municipalities:participation_status": Case(only("researcher"), breda, method="post"),
    "municipalities:intake_notes": Case(only("researcher"), breda),
    "municipalities:members": Case(only("researcher", "coordinator"), breda),
    "municipalities:invite": Case(only("researcher", "coordinator", "other_coordinator"), circle),
    "municipalities:invite_to_municipality": Case(
        only("researcher", "coordinator"), breda, method="post"
    ),
    "municipalities:invitation_resend": Case(
        only("researcher", "coordinator"),
        lambda w: {"slug": w.circle.slug, "pk": w.invitation.pk},
        method="post",
    ),
    "municipalities:invitation_revoke": Case(
        only("researcher", "coordinator"),
        lambda w: {"slug": w.circle.slug, "pk": w.invitation.pk},
        method="post",
    ),
    "municipalities:member_remove": Case(
        only("researcher"),
        lambda w: {"slug": w.circle.slug, "pk": w.memberships["participant"].pk},
    ),
    # Meetings
    "meetings:list": Case(MEMBERS_ONLY, circle),
    "meetings:create": Case(only("researcher", "organiser"), circle),
    "meetings:plan_series": Case(only("researcher", "organiser"), circle),
    "meetings:detail": Case(MEMBERS_ONLY, meeting),
    "meetings:edit": Case(only("researcher", "organiser"), meeting),
    "meetings:cancel": Case(only("researcher", "organiser"), meeting, method="post"),
    "meetings:agenda": Case(only("researcher", "organiser"), meeting),
    "meetings:agenda_item": Case(
        only("researcher", "organiser"),
        lambda w: {**meeting(w), "item": w.agenda_item.pk},
        method="post",
        data={"action": "down"},
    ),
    # Edit an agenda item; GET asks before removing one (POST removes it)
    "meetings:agenda_item_edit": Case(
        only("researcher", "organiser"), lambda w: {**meeting(w), "item": w.agenda_item.pk}
    ),
    "meetings:agenda_item_remove": Case(
        only("researcher", "organiser"), lambda w: {**meeting(w), "item": w.agenda_item.pk}
    ),
    "meetings:register": Case(MEMBERS_ONLY, meeting, method="post"),
    "meetings:unregister": Case(MEMBERS_ONLY, meeting, method="post"),
    "meetings:registrations": Case(
        only("researcher", "organiser", "coordinator", "other_coordinator"), meeting
    ),
    "meetings:registrations_csv": Case(
        only("researcher", "organiser", "coordinator", "other_coordinator"), meeting
    ),
    "meetings:attendance": Case(only("researcher", "organiser"), meeting),
    "meetings:minutes": Case(only("researcher", "organiser"), meeting),
    "meetings:outcome_add": Case(only("researcher", "organiser"), meeting, method="post"),
    "meetings:outcome_edit": Case(
        only("researcher", "organiser"), lambda w: {**meeting(w), "outcome": w.agreement.pk}
    ),
    "meetings:outcome_remove": Case(
        only("researcher", "organiser"), lambda w: {**meeting(w), "outcome": w.agreement.pk}
    ),
    "meetings:agreement_done": Case(
        only("researcher", "organiser", "participant"),  # the participant is the assignee
        lambda w: {"slug": w.circle.slug, "pk": w.agreement.pk},
        method="post",
    ),
    "meetings:ics": Case(MEMBERS_ONLY, meeting),
    "my_calendar": Case(LOGGED_IN),
    # GET asks before the old feed address stops working (POST makes the new one)
    "calendar_new_address": Case(LOGGED_IN),
    "calendar_feed": Case(everyone("ok"), lambda w: {"token": w.participant.calendar_token}),
    # The invitation link works without an account
    "invitation_accept": Case(everyone("ok"), token),
    "invitation_renew": Case(everyone("ok"), token, method="post"),
}

SAMPLE_VALUES = {
    "object_id": "1",
    "app_label": "leerkring",
    "content_type_id": "1",
    "url": "onbekend/",
    "key": "ongeldige-sleutel",
    "uidb36": "1",
}


def patterns() -> dict[str, str]:
    """Every URL name (or unnamed route) mapped to its full route."""

    def walk(resolver, prefix="", namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            else:
                route = prefix + str(pattern.pattern)
                yield (f"{namespace}{pattern.name}" if pattern.name else route), route

    return dict(walk(get_resolver()))


def sample_path(route: str) -> str:
    """A concrete path for a route, with sample values for its parameters."""
    import re

    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_VALUES.get(m.group(1), "1"), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE_VALUES.get(m.group(1), "1"), path)
    return "/" + path.replace("^", "").replace("$", "")


def classify(response) -> str:
    code = response.status_code
    if code == 404:
        return "hidden"
    if code == 403:
        return "denied"
    if code == 405:
        return "method"
    if 300 <= code < 400:
        location = response["Location"]
        return "login" if "/accounts/login/" in location or "/beheer/login/" in location else "ok"
    if code < 300 or code == 400:
        return "ok"
    return f"status {code}"


# allauth's pages: which need an account. Bad keys give allauth's 404; the MFA pages for an
# authenticator the person has not set up give 404 too.
for name in [
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_email_verification_sent",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
]:
    EXPECTED[name] = Case(everyone("ok"))
for name in ["account_confirm_email", "account_reset_password_from_key"]:
    EXPECTED[name] = Case(everyone("hidden"))
for name in [
    "account_reauthenticate",
    "account_email",
    "account_change_password",
    "account_set_password",
    "account_confirm_login_code",
    "mfa_index",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_generate_recovery_codes",
]:
    EXPECTED[name] = Case(LOGGED_IN)
for name in ["mfa_deactivate_totp", "mfa_view_recovery_codes", "mfa_download_recovery_codes"]:
    EXPECTED[name] = Case({"anonymous": "login", **dict.fromkeys(PEOPLE[1:], "hidden")})


def expectation(name: str, route: str) -> Case | None:
    if name in EXPECTED:
        return EXPECTED[name]
    # Django's admin, with every model registered now or later: staff only, none of the
    # circle roles is staff. Its login page is allauth's (MFA, rate limits): anonymous people
    # are sent there, logged-in non-staff are refused. Its logout is open.
    if name == "admin:login":
        return Case({"anonymous": "login", **dict.fromkeys(PEOPLE[1:], "denied")})
    if name == "admin:logout":
        return Case(everyone("ok"))
    if name.startswith("admin:") or route.startswith("beheer/"):
        return Case(everyone("login"))
    return None


ALL = patterns()
CASES = [(name, person) for name in sorted(ALL) for person in PEOPLE]


def test_every_url_has_an_expectation():
    missing = [name for name, route in ALL.items() if expectation(name, route) is None]
    assert missing == [], "add these URLs to EXPECTED in this file"


def test_matrix_size():
    """The closing note quotes this: URL patterns × people checked."""
    assert len(ALL) > 100
    assert len(CASES) == len(ALL) * len(PEOPLE)


@pytest.mark.parametrize(("name", "person"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_authorization(world, as_role, name, person):
    case = expectation(name, ALL[name])
    if case is None:
        pytest.fail(f"{name} has no expectation")
    client = as_role(person)
    if case.kwargs is not None:
        path = reverse(name, kwargs=case.kwargs(world))
    else:
        path = sample_path(ALL[name])
    response = getattr(client, case.method)(path, case.data)
    assert classify(response) == case.expected[person], (
        f"{case.method.upper()} {path} as {person}: {response.status_code}"
    )
