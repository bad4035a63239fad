"""Every URL of the project against every kind of person.

The URL list comes from the resolver, not from a hand-written list: a new view without an entry
in EXPECTED fails `test_every_url_has_an_expectation`. Each outcome is exact:
  ok      200: the page (or file) itself
  done    a redirect that is not to a login page: a POST that did its work (a Case may say
          where to with `redirect=`), or a page that sends the person on
  login   a redirect to a login page (allauth's, or the admin's, which hands on to allauth's)
  hidden  404: outsiders of a circle get this, so nothing hints that the circle exists
  denied  403, and a `permission.denied` event in the audit log for that very request
  bad     400: the case posts invalid data on purpose
  method  405: the URL takes another method

Django's admin has about a hundred and twenty URLs, one set per registered model. A few
representative ones are in the matrix (ADMIN_CASES); `test_every_admin_url_requires_admin_rights`
calls every other admin view directly (no middleware, no client) to show that each one sends
people who may not use the admin to its login.

The world (tests/municipalities/conftest.py) is made once for the module; each case runs in a
savepoint inside it.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import URLResolver, get_resolver, resolve, reverse

from leerkring.models import AuditEvent
from municipalities.rules import forget_memberships
from municipalities.services import make_token
from reflections.models import Reflection
from tests.factories import ReflectionFactory
from tests.municipalities.conftest import build_world

PEOPLE = [
    "anonymous",
    "outsider",  # a member of another circle
    "staff",  # platform staff with admin rights for accounts and circles, in no circle
    "researcher",
    "organiser",
    "coordinator",
    "other_coordinator",
    "participant",
    "trainer",
]
MEMBERS = PEOPLE[3:]
NOT_MEMBERS = PEOPLE[1:3]  # logged in, but not in the circle
OUTCOMES = {"ok", "done", "login", "hidden", "denied", "bad", "method"}


@dataclass
class Case:
    """How to call a URL and what each person should get."""

    expected: dict[str, str]
    kwargs: object = None  # a function of the world giving the URL's kwargs
    method: str = "get"
    data: object = field(default_factory=dict)  # a dict, or a function of the world giving one
    # Where a "done" must redirect to: a path ("/..."), a URL name, or a function of the world
    # giving a path. A "login" redirect always goes to a login page.
    redirect: object = None

    def __post_init__(self):
        assert set(self.expected) == set(PEOPLE), f"name an outcome for each of {PEOPLE}"
        assert set(self.expected.values()) <= OUTCOMES, self.expected


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(PEOPLE, outcome)


def only(*allowed: str, outcome: str = "ok") -> dict[str, str]:
    """A circle page for some members: the rest of the circle 403, everyone outside it 404.
    `outcome` is what the allowed members get: "ok" for a page, "done" for a POST that works."""
    expected = {"anonymous": "login", **dict.fromkeys(NOT_MEMBERS, "hidden")}
    expected.update({person: outcome if person in allowed else "denied" for person in MEMBERS})
    return expected


def done_by(*allowed: str) -> dict[str, str]:
    """A POST of a circle that the allowed members carry out (and are redirected after)."""
    return only(*allowed, outcome="done")


MEMBERS_ONLY = only(*MEMBERS)
LOGGED_IN = {"anonymous": "login", **dict.fromkeys(PEOPLE[1:], "ok")}


def circle(world):
    return {"slug": world.circle.slug}


def breda(world):
    return {"slug": world.circle.slug, "cbs_code": world.breda.cbs_code}


def meeting(world):
    return {"slug": world.circle.slug, "pk": world.meeting.pk}


def meeting_page(world):
    return reverse("meetings:detail", kwargs=meeting(world))


def shared_reflection(world):
    """The participant's reflection, shared with the whole circle (made inside the case's
    savepoint, so it is gone with it)."""
    if (
        getattr(world, "_writing_reflection", None) is None
        or not Reflection.objects.filter(pk=world._writing_reflection.pk).exists()
    ):
        world.__dict__["_writing_reflection"] = ReflectionFactory(
            circle=world.circle,
            author=world.users["participant"],
            municipality=world.breda,
            visibility="circle",
        )
    return {"slug": world.circle.slug, "pk": world._writing_reflection.pk}


def free_code(world):
    """A free code of the circle's researchers (made inside the case's savepoint)."""
    from reflections.models import FreeCode

    code = FreeCode.objects.filter(circle=world.circle, name="Vertrouwen").first()
    if code is None:
        shared_reflection(world)  # the circle's published framework, which a merge copies
        code = FreeCode.objects.create(circle=world.circle, name="Vertrouwen")
    return code


def researchers_passage(world):
    """The researcher's coding of the whole shared reflection."""
    from reflections import services

    kwargs = shared_reflection(world)
    reflection = Reflection.objects.get(pk=kwargs["pk"])
    passage = reflection.passages.filter(coder=world.users["researcher"]).first()
    if passage is None:
        passage = services.code_passage(
            reflection,
            world.users["researcher"],
            based_on_version=reflection.version,
            codes=[f"free:{free_code(world).pk}"],
        )
    return {**kwargs, "passage": passage.pk}


def report_job(world):
    """A finished render of the meeting's report (made inside the case's savepoint)."""
    from publications import meeting_report, services

    job, created = services.start_render(
        meeting_report.KIND, world.meeting, world.users["organiser"]
    )
    if created:
        services.run_render(job.pk)  # the task would run after commit, which a savepoint is not
    return {"slug": world.circle.slug, "pk": job.pk}


def token(world):
    return {"token": make_token(world.invitation)}


# --- publications ---


def editors_only(outcome: str = "ok") -> dict[str, str]:
    """A draft publication: researchers and organisers compose it; the rest of the circle does
    not see that it exists (404), like everyone outside the circle."""
    expected = {"anonymous": "login", **dict.fromkeys(NOT_MEMBERS, "hidden")}
    expected.update({p: outcome if p in ("researcher", "organiser") else "hidden" for p in MEMBERS})
    return expected


def _publication(world, final: bool = False):
    """A publication with a text and an anthology chapter holding one consented quote, and an
    image (made inside the case's savepoint)."""
    from django.core.files.base import ContentFile

    from publications import services
    from publications.models import Chapter, Image, Publication

    key = "_final_publication" if final else "_draft_publication"
    found = getattr(world, key, None)
    if found is not None and Publication.objects.filter(pk=found.pk).exists():
        return found
    organiser = world.users["organiser"]
    publication = services.create_publication(world.circle, organiser, title="Slotpublicatie")
    services.add_chapter(publication, organiser, kind="text", title="Inleiding", body="Tekst.")
    anthology = services.add_chapter(publication, organiser, kind="anthology", title="Stemmen")
    reflection = Reflection.objects.get(pk=shared_reflection(world)["pk"])
    Reflection.objects.filter(pk=reflection.pk).update(consent="anonymous")
    services.pick_quote(anthology, organiser, reflection=reflection)
    Image.objects.create(
        publication=publication,
        file=ContentFile(PNG, name="kaart.png"),
        description="Een kaart",
    )
    if final:
        services.set_status(publication, organiser, Publication.Status.FINAL)
    world.__dict__[key] = publication
    world.__dict__[key + "_chapters"] = {
        c.kind: c for c in Chapter.objects.filter(publication=publication)
    }
    return publication


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73000000164944415478"
    "9c633c2127c7c0c0c0c4c0c0c0c0c000000d0401087d71ca660000000049454e44ae426082"
)


def draft(world):
    return {"slug": world.circle.slug, "pk": _publication(world).pk}


def final(world):
    return {"slug": world.circle.slug, "pk": _publication(world, final=True).pk}


def draft_chapter(world, kind="text"):
    return {**draft(world), "chapter": world._draft_publication_chapters[kind].pk}


def draft_quote(world):
    kwargs = draft_chapter(world, "anthology")
    quote = world._draft_publication_chapters["anthology"].quotes.get()
    return {**kwargs, "quote": quote.pk}


def final_image(world):
    publication = _publication(world, final=True)
    return {**final(world), "image": publication.images.get().pk}


def public(world):
    """The final edition, made public, with a render of it (inside the case's savepoint)."""
    from publications import publication_document, services

    publication = _publication(world, final=True)
    if not publication.is_public:
        publication = services.set_public(publication, world.users["organiser"], True)
        job, created = services.start_render(
            publication_document.KIND, publication, world.users["organiser"]
        )
        if created:
            services.run_render(job.pk)
        world.__dict__["_final_publication"] = publication
    return {"slug": world.circle.slug, "pk": publication.pk}


def public_image(world):
    return {**public(world), "image": _publication(world, final=True).images.get().pk}


def draft_page(world):
    return reverse("publications:detail", kwargs=draft(world))


EXPECTED: dict[str, Case] = {
    # Public pages and plumbing
    "home": Case(everyone("ok")),
    "accessibility": Case(everyone("ok")),
    "healthz": Case(everyone("ok")),
    "set_language": Case(
        everyone("done"), method="post", data={"language": "en", "next": "/"}, redirect="/"
    ),
    # A circle's people
    "municipalities:circle": Case(MEMBERS_ONLY, circle),
    "municipalities:participants": Case(MEMBERS_ONLY, circle),
    "municipalities:circle_edit": Case(only("researcher"), circle),
    "municipalities:audit_log": Case(only("researcher"), circle),
    "municipalities:participation_add": Case(only("researcher"), circle),
    "municipalities:municipality_new": Case(only("researcher"), circle),
    "municipalities:municipality": Case(MEMBERS_ONLY, breda),
    "municipalities:municipality_edit": Case(only("researcher", "coordinator"), breda),
    "municipalities:participation_status": Case(
        done_by("researcher"),
        breda,
        method="post",
        data={"to_status": "completed"},
        redirect=lambda w: reverse("municipalities:municipality", kwargs=breda(w)),
    ),
    "municipalities:intake_notes": Case(only("researcher"), breda),
    "municipalities:members": Case(only("researcher", "coordinator"), breda),
    "municipalities:invite": Case(only("researcher", "coordinator", "other_coordinator"), circle),
    "municipalities:invite_to_municipality": Case(
        done_by("researcher", "coordinator"),
        breda,
        method="post",
        data={"email": "nieuwe.ambtenaar@example.org", "role": "participant", "name": "Nieuw"},
        redirect=lambda w: reverse("municipalities:members", kwargs=breda(w)),
    ),
    "municipalities:invitation_resend": Case(
        done_by("researcher", "coordinator"),
        lambda w: {"slug": w.circle.slug, "pk": w.invitation.pk},
        method="post",
        redirect=lambda w: reverse("municipalities:members", kwargs=breda(w)),
    ),
    "municipalities:invitation_revoke": Case(
        done_by("researcher", "coordinator"),
        lambda w: {"slug": w.circle.slug, "pk": w.invitation.pk},
        method="post",
        redirect=lambda w: reverse("municipalities:members", kwargs=breda(w)),
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
    "meetings:cancel": Case(
        done_by("researcher", "organiser"), meeting, method="post", redirect=meeting_page
    ),
    "meetings:agenda": Case(only("researcher", "organiser"), meeting),
    "meetings:agenda_item": Case(
        done_by("researcher", "organiser"),
        lambda w: {**meeting(w), "item": w.agenda_item.pk},
        method="post",
        data={"action": "down"},
        redirect=lambda w: reverse("meetings:agenda", kwargs=meeting(w)),
    ),
    # Edit an agenda item; GET asks before removing one (POST removes it)
    "meetings:agenda_item_edit": Case(
        only("researcher", "organiser"), lambda w: {**meeting(w), "item": w.agenda_item.pk}
    ),
    "meetings:agenda_item_remove": Case(
        only("researcher", "organiser"), lambda w: {**meeting(w), "item": w.agenda_item.pk}
    ),
    "meetings:register": Case(done_by(*MEMBERS), meeting, method="post", redirect=meeting_page),
    "meetings:unregister": Case(done_by(*MEMBERS), meeting, method="post", redirect=meeting_page),
    "meetings:registrations": Case(
        only("researcher", "organiser", "coordinator", "other_coordinator"), meeting
    ),
    "meetings:registrations_csv": Case(
        only("researcher", "organiser", "coordinator", "other_coordinator"), meeting
    ),
    "meetings:attendance": Case(only("researcher", "organiser"), meeting),
    "meetings:minutes": Case(only("researcher", "organiser"), meeting),
    "meetings:outcome_add": Case(
        done_by("researcher", "organiser"),
        meeting,
        method="post",
        data={"kind": "challenge", "text": "Een uitdaging"},
        redirect=meeting_page,
    ),
    "meetings:outcome_edit": Case(
        only("researcher", "organiser"), lambda w: {**meeting(w), "outcome": w.agreement.pk}
    ),
    "meetings:outcome_remove": Case(
        only("researcher", "organiser"), lambda w: {**meeting(w), "outcome": w.agreement.pk}
    ),
    "meetings:agreement_done": Case(
        done_by("researcher", "organiser", "participant"),  # the participant is the assignee
        lambda w: {"slug": w.circle.slug, "pk": w.agreement.pk},
        method="post",
        redirect=meeting_page,
    ),
    "meetings:ics": Case(MEMBERS_ONLY, meeting),
    # Rendered documents: the meeting report as PDF
    "publications:meeting_report": Case(
        done_by("researcher", "organiser"), meeting, method="post", redirect="publications:job"
    ),
    # The municipality report: planners and the municipality's own coordinator make it
    "publications:municipality_report": Case(
        done_by("researcher", "organiser", "coordinator"),
        breda,
        method="post",
        redirect="publications:job",
    ),
    "publications:job": Case(MEMBERS_ONLY, report_job),
    "publications:job_download": Case(MEMBERS_ONLY, report_job),
    "publications:job_retry": Case(
        done_by("researcher", "organiser"), report_job, method="post", redirect="publications:job"
    ),
    "my_calendar": Case(LOGGED_IN),
    # GET asks before the old feed address stops working (POST makes the new one)
    "calendar_new_address": Case(LOGGED_IN),
    "calendar_feed": Case(everyone("ok"), lambda w: {"token": w.participant.calendar_token}),
    # The invitation link works without an account
    "invitation_accept": Case(everyone("ok"), token),
    "invitation_renew": Case(
        everyone("done"),
        token,
        method="post",
        redirect="invitation_accept",  # the same link again (its token is signed anew)
    ),
    # The framework: every member reads the published version; researchers edit the draft,
    # publish it (GET asks, POST does) and compare versions.
    "reflections:framework": Case(MEMBERS_ONLY, circle),
    "reflections:framework_edit": Case(only("researcher"), circle),
    "reflections:framework_start": Case(
        done_by("researcher"),
        circle,
        method="post",
        redirect=lambda w: reverse("reflections:framework_edit", kwargs=circle(w)),
    ),
    "reflections:framework_publish": Case(only("researcher"), circle),
    "reflections:framework_compare": Case(only("researcher"), circle),
    # Reflections: the tab for every member; writing for coordinators, civil servants and
    # trainers; the participant's reflection (shared with the whole circle) read by every
    # member, changed by its author alone.
    "reflections:list": Case(MEMBERS_ONLY, circle),
    "reflections:new": Case(
        only("coordinator", "other_coordinator", "participant", "trainer"), circle
    ),
    "reflections:detail": Case(MEMBERS_ONLY, shared_reflection),
    "reflections:edit": Case(only("participant"), shared_reflection),
    "reflections:sharing": Case(
        done_by("participant"),
        shared_reflection,
        method="post",
        data={"visibility": "circle", "consent": "anonymous"},
        redirect=lambda w: reverse("reflections:detail", kwargs=shared_reflection(w)),
    ),
    # The conversation: the author and the researchers; the rest of the circle reads the
    # reflection but may not take part (403), everyone else does not see it (404).
    "reflections:comment_add": Case(
        done_by("researcher", "participant"),
        shared_reflection,
        method="post",
        data={"text": "Welke rol koos je toen de wethouder zich ermee bemoeide?"},
        redirect=lambda w: reverse("reflections:detail", kwargs=shared_reflection(w)),
    ),
    # --- workbench: search ---
    # Every member searches what they may read (the results are checked per person in
    # tests/reflections/test_search.py).
    "reflections:search": Case(MEMBERS_ONLY, circle),
    # --- workbench: analysis ---
    # Counts over the reflections, charts and their CSVs: researchers only.
    "reflections:analysis": Case(only("researcher"), circle),
    "reflections:analysis_csv": Case(
        only("researcher"), lambda w: {"slug": w.circle.slug, "figure": "rollen-waarden"}
    ),
    # --- workbench: coding ---
    # Researchers code; the rest of the circle reads the reflection but may not code it (403).
    "reflections:coding": Case(only("researcher"), shared_reflection),
    "reflections:coding_remove": Case(
        done_by("researcher"),
        lambda w: researchers_passage(w),
        method="post",
        redirect=lambda w: reverse("reflections:coding", kwargs=shared_reflection(w)),
    ),
    "reflections:exemplary": Case(
        done_by("researcher"),
        shared_reflection,
        method="post",
        data={"exemplary": "1"},
        redirect=lambda w: reverse("reflections:coding", kwargs=shared_reflection(w)),
    ),
    "reflections:free_codes": Case(only("researcher"), circle),
    "reflections:free_code_merge": Case(
        done_by("researcher"),
        lambda w: {"slug": w.circle.slug, "pk": free_code(w).pk},
        method="post",
        data=lambda w: {
            f"merge-{free_code(w).pk}-kind": "value",
            f"merge-{free_code(w).pk}-confirm": "on",
        },
        redirect=lambda w: reverse("reflections:free_codes", kwargs=circle(w)),
    ),
    "reflections:agreement": Case(only("researcher"), circle),
    # --- workbench: export ---
    # The export page and the download: researchers only (the rest of the circle 403).
    "reflections:export": Case(only("researcher"), circle),
    "reflections:export_download": Case(
        only("researcher"),
        lambda w: {"slug": w.circle.slug, "format": "csv"},
        data={"variant": "named"},
    ),
    # --- workbench: qda ---
    # Exchange with qualitative-analysis software: researchers download the circle as a
    # REFI-QDA project and its codebook, and import a codebook into the framework draft.
    "reflections:export_qdpx": Case(only("researcher"), circle),
    "reflections:export_qdc": Case(only("researcher"), circle),
    "reflections:framework_import": Case(only("researcher"), circle),
    # --- publications ---
    # Researchers and organisers compose; a draft is hidden from the rest of the circle, the
    # final edition is read by every member.
    "publications:list": Case(MEMBERS_ONLY, circle),
    "publications:create": Case(only("researcher", "organiser"), circle),
    "publications:detail": Case(editors_only(), draft),
    "publications:edit": Case(editors_only(), draft),
    "publications:status": Case(
        editors_only("done"), draft, method="post", data={"status": "review"}, redirect=draft_page
    ),
    "publications:read": Case(MEMBERS_ONLY, final),
    "publications:render": Case(
        editors_only("done"), draft, method="post", redirect="publications:job"
    ),
    "publications:image": Case(MEMBERS_ONLY, final_image),
    # GET asks what making it public means, POST does (or takes it back)
    "publications:public_toggle": Case(only("researcher", "organiser"), final),
    # The public edition: anyone, no account
    "publication_public": Case(everyone("ok"), public),
    "publication_public_pdf": Case(everyone("ok"), public),
    "publication_public_image": Case(everyone("ok"), public_image),
    "publications:image_add": Case(editors_only("bad"), draft, method="post"),
    "publications:chapter_add": Case(
        editors_only("done"), draft, method="post", data={"kind": "meetings", "title": "Uitkomsten"}
    ),
    "publications:chapter_edit": Case(editors_only(), draft_chapter),
    "publications:chapter_move": Case(
        editors_only("done"), draft_chapter, method="post", data={"direction": "down"}
    ),
    "publications:chapter_delete": Case(editors_only(), draft_chapter),
    "publications:anthology": Case(editors_only(), lambda w: draft_chapter(w, "anthology")),
    "publications:quote_change": Case(
        editors_only("done"), draft_quote, method="post", data={"attribution": "een ambtenaar"}
    ),
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
    # Regular-expression groups first: `(?P<name>...)` holds a `<name>` too.
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE_VALUES.get(m.group(1), "1"), route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_VALUES.get(m.group(1), "1"), path)
    return "/" + path.replace("^", "").replace("$", "")


LOGIN_PAGES = ("/accounts/login/", "/beheer/login/")


def classify(response) -> str:
    code = response.status_code
    if 300 <= code < 400:
        return "login" if urlsplit(response["Location"]).path in LOGIN_PAGES else "done"
    return {
        200: "ok",
        400: "bad",
        403: "denied",
        404: "hidden",
        405: "method",
    }.get(code, f"status {code}")


# allauth's pages: which need an account. A bad key gets a page saying the link no longer works;
# the MFA pages for an authenticator the person has not set up give 404. Logged-in people are
# sent on from the pages that make no sense for them (logging in, a login code nobody asked for).
SENT_ON = {"anonymous": "login", **dict.fromkeys(PEOPLE[1:], "done")}
for name in ["account_login", "account_signup"]:
    EXPECTED[name] = Case({**SENT_ON, "anonymous": "ok"}, redirect="/")
EXPECTED["account_logout"] = Case({**LOGGED_IN, "anonymous": "done"}, redirect="/")
for name in [
    "account_inactive",
    "account_email_verification_sent",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
]:
    EXPECTED[name] = Case(everyone("ok"))
for name in ["account_confirm_email", "account_reset_password_from_key"]:
    EXPECTED[name] = Case(everyone("ok"))
for name in ["account_reauthenticate", "account_email", "account_change_password", "mfa_index"]:
    EXPECTED[name] = Case(LOGGED_IN)
for name, went_to in [
    ("account_set_password", "account_change_password"),  # they have a password already
    ("account_confirm_login_code", "/"),
    ("mfa_authenticate", "/"),
    # A fresh password first (the test client logs in without one); no authenticator to ask.
    ("mfa_activate_totp", "account_reauthenticate"),
    ("mfa_generate_recovery_codes", "account_reauthenticate"),
    ("mfa_reauthenticate", "account_reauthenticate"),
]:
    EXPECTED[name] = Case(SENT_ON, redirect=went_to)
for name in ["mfa_deactivate_totp", "mfa_view_recovery_codes", "mfa_download_recovery_codes"]:
    EXPECTED[name] = Case({"anonymous": "login", **dict.fromkeys(PEOPLE[1:], "hidden")})


# Django's admin: a few representative URLs. The staff person may manage accounts and circles;
# nobody adds meetings there (they are read-only in the admin: the services send the notices).
# Everyone else is sent to the admin's login, which sends anonymous people on to allauth's (MFA,
# rate limits) and refuses logged-in people who may not use the admin.
NO_ADMIN = {"anonymous": "login", **dict.fromkeys(PEOPLE[1:], "login"), "staff": "ok"}
ADMIN_CASES: dict[str, Case] = {
    "admin:index": Case(NO_ADMIN),
    "admin:leerkring_user_changelist": Case(NO_ADMIN),
    "admin:leerkring_circle_change": Case(NO_ADMIN, lambda w: {"object_id": w.circle.pk}),
    "admin:leerkring_circle_add": Case(NO_ADMIN),
    "admin:meetings_meeting_add": Case({**NO_ADMIN, "staff": "denied"}),
    "admin:login": Case(
        {"anonymous": "login", **dict.fromkeys(PEOPLE[1:], "denied"), "staff": "done"},
        redirect="/beheer/",
    ),
    # The admin's logout logs staff out (its own page); others are sent to its index.
    "admin:logout": Case({**everyone("done"), "staff": "ok"}, method="post", redirect="/beheer/"),
}
EXPECTED.update(ADMIN_CASES)


def is_admin(name: str, route: str) -> bool:
    return name.startswith("admin:") or route.startswith("beheer/")


ALL = patterns()
CASES = [(name, person) for name in sorted(EXPECTED) for person in PEOPLE]


def test_every_url_has_an_expectation():
    missing = [
        name for name, route in ALL.items() if name not in EXPECTED and not is_admin(name, route)
    ]
    assert missing == [], "add these URLs to EXPECTED in this file"
    stale = [name for name in EXPECTED if name not in ALL]
    assert stale == [], "these URLs no longer exist"


DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
DOC_WORDS = {"404": "hidden", "403": "denied", "400": "bad", "405": "method"}


def documented_matrix() -> dict[str, dict[str, str]]:
    """The matrix table of docs/permissions.md: each URL name in backticks in a row's first cell,
    with the row's outcomes (footnote marks dropped)."""
    section = DOC.read_text().split("## The matrix (what the tests check)", 1)[1]
    rows = {}
    for line in section.split("\n## ", 1)[0].splitlines():
        if not line.startswith("| ") or line.startswith("| URL (name)"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        outcomes = [re.sub("[¹²³⁴⁵⁶⁷⁸⁹]", "", cell) for cell in cells[1:]]
        for name in re.findall(r"`([^`]+)`", cells[0]):
            if not name.startswith(("/", ".")):  # a path or a file type, not a URL name
                words = (DOC_WORDS.get(word, word) for word in outcomes)
                rows[name] = dict(zip(PEOPLE, words, strict=True))
    return rows


def test_the_permissions_doc_shows_the_matrix():
    documented = documented_matrix()
    assert sorted(set(EXPECTED) - set(documented)) == [], "add these to docs/permissions.md"
    assert sorted(set(documented) - set(EXPECTED)) == [], "not URLs of the matrix"
    different = {
        name: {person: (documented[name][person], outcome)}
        for name, case in EXPECTED.items()
        for person, outcome in case.expected.items()
        if documented[name].get(person) != outcome
    }
    assert different == {}, "docs/permissions.md (documented, tested) differs"


def test_matrix_size():
    """The closing note quotes this: URLs × people checked one by one, and the admin's URLs."""
    admin_urls = [name for name, route in ALL.items() if is_admin(name, route)]
    assert len(ALL) > 100 and len(admin_urls) > 50
    assert len(CASES) == (len(ALL) - len(admin_urls) + len(ADMIN_CASES)) * len(PEOPLE)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The world is made once for the matrix, in a transaction rolled back at the end; each case
    runs inside it in a savepoint of its own (as Django's setUpTestData does), so what a POST
    changes is gone before the next case."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world, db, settings):
    settings.MFA_REQUIRED = False  # MFA has tests of its own
    for user in shared_world.users.values():
        forget_memberships(user)
    return shared_world


@pytest.mark.parametrize(("name", "person"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_authorization(world, as_role, name, person):
    case = EXPECTED[name]
    client = as_role(person)
    if case.kwargs is not None:
        path = reverse(name, kwargs=case.kwargs(world))
    else:
        path = sample_path(ALL[name])
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    data = case.data(world) if callable(case.data) else case.data
    response = getattr(client, case.method)(path, data)
    outcome, expected = classify(response), case.expected[person]
    where = f"{case.method.upper()} {path} as {person}: {response.status_code}"
    if 300 <= response.status_code < 400:
        where += f" → {response['Location']}"
    assert outcome == expected, where
    if outcome == "denied":
        refusals = AuditEvent.objects.filter(pk__gt=last_event, action="permission.denied")
        assert refusals.filter(actor=world.users[person]).exists(), f"{where}: not in the audit log"
    if outcome == "done" and case.redirect is not None:
        went_to = urlsplit(response["Location"]).path
        if callable(case.redirect):
            assert went_to == case.redirect(world), where
        elif case.redirect.startswith("/"):
            assert went_to == case.redirect, where
        else:
            assert resolve(went_to).view_name == case.redirect, where


def test_every_admin_url_requires_admin_rights(world, rf):
    """Every admin view, whatever models are registered now or later, sends people who may not
    use the admin to its login: anonymous people, circle members (none is staff) and staff
    without admin permissions. The views are called directly: no client, no middleware."""
    from tests.factories import UserFactory

    staff_without_rights = UserFactory(email="staff-zonder-rechten@example.org", is_staff=True)
    people = [AnonymousUser(), world.researcher, staff_without_rights]
    login, index = reverse("admin:login"), reverse("admin:index")
    checked = 0
    for name, route in ALL.items():
        if not is_admin(name, route) or name == "admin:login":
            continue
        path = sample_path(route)
        match = resolve(path)
        if not name.startswith("beheer/"):
            assert match.view_name == name, f"{path} resolves to {match.view_name}, not {name}"
        for user in people:
            request = rf.get(path)
            request.user = user
            response = match.func(request, *match.args, **match.kwargs)
            # The admin's logout sends people who are not logged in to it back to its index.
            target = index if name == "admin:logout" else login
            assert response.status_code == 302, f"{path} for {user}: {response.status_code}"
            assert urlsplit(response["Location"]).path == target, f"{path} for {user}"
            checked += 1
    assert checked > 100
