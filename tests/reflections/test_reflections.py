"""Writing and reading reflections: the services (concurrency, revisions after coding, consent in
the log), the writing form (a draft keeps everything; submitting asks what it needs), sanitised
Markdown, who sees what through the lists and the dashboard, and pinned query counts."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from leerkring.audit import describe
from leerkring.models import AuditEvent, CoreQuestion
from municipalities.rules import forget_memberships
from reflections import services
from reflections.models import Framework, Practice, Reflection, Revision, Role, Value
from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db

VISIBILITIES = ["private", "researchers", "municipality", "circle"]
PEOPLE = ["researcher", "organiser", "coordinator", "other_coordinator", "participant", "trainer"]
# Who reads a submitted reflection by the participant (Breda), per visibility (DESIGN.md).
READERS = {
    "private": {"participant"},
    "researchers": {"participant", "researcher"},
    "municipality": {"participant", "researcher", "coordinator"},
    "circle": set(PEOPLE),
}
XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    '<a href="javascript:alert(1)">klik</a>',
    "<svg onload=alert(1)>",
]


def published_framework(circle):
    """A published framework built from the models (the framework pages have tests of their
    own): five roles, two practices, three values, each with a description."""
    framework = Framework.objects.create(
        circle=circle, number=1, status="published", published_at=timezone.now()
    )
    for position, name in enumerate(
        ["reguleren", "regisseren", "sturen", "faciliteren", "loslaten"], start=1
    ):
        Role.objects.create(
            framework=framework,
            code=name,
            position=position,
            name_nl=name.capitalize(),
            name_en=name,
            description=f"De overheid kiest ervoor om te {name}, met wat daarbij hoort.",
        )
    for position, name in enumerate(["Wijktafel", "Buurtbudget"], start=1):
        Practice.objects.create(
            framework=framework,
            code=name.lower(),
            position=position,
            name_nl=name,
            name_en=name,
            description=f"{name}: bewoners en gemeente aan één tafel.",
        )
    for position, name in enumerate(
        ["Gelijkheid en inclusie", "Verantwoording", "Deliberatie"], start=1
    ):
        Value.objects.create(
            framework=framework,
            code=f"waarde-{position}",
            position=position,
            name_nl=name,
            name_en=name,
            description=f"{name}, zoals de kring dat uitlegt.",
        )
    return framework


@pytest.fixture
def framework(world):
    return published_framework(world.circle)


def written(world, framework, author="participant", **fields):
    author = world.users[author]
    reflection = services.start_reflection(author, world.circle)
    if fields:
        reflection = services.save_reflection(reflection, fields, by=author, based_on_version=1)
    return reflection


def complete(framework, **extra):
    role = framework.roles.first()
    return {
        "title": "Het buurtbudget",
        "situation": "Bewoners van de Haagse Beemden wilden zelf over het budget beslissen.",
        "roles": [role],
        "primary_role": role,
        "lesson": "Eerder loslaten.",
        **extra,
    }


# --- services ---


def test_start_takes_the_municipality_from_the_membership_and_the_published_framework(
    world, framework
):
    reflection = services.start_reflection(world.participant, world.circle)
    assert reflection.municipality == world.breda
    assert reflection.framework == framework
    assert reflection.is_draft and reflection.version == 1


def test_start_refuses_without_a_published_framework(world):
    with pytest.raises(services.NoPublishedFramework):
        services.start_reflection(world.participant, world.circle)


def test_a_save_based_on_an_older_version_is_refused(world, framework):
    reflection = written(world, framework, title="Eerste")
    assert reflection.version == 2
    services.save_reflection(reflection, {"title": "Tab A"}, world.participant, 2)
    with pytest.raises(services.EditConflict) as conflict:
        services.save_reflection(reflection, {"title": "Tab B"}, world.participant, 2)
    assert conflict.value.current.title == "Tab A"
    assert Reflection.objects.get(pk=reflection.pk).title == "Tab A"


def test_after_coding_an_edit_keeps_the_earlier_text(world, framework):
    reflection = written(world, framework, title="Voor", lesson="Oude les\r\n")
    services.save_reflection(reflection, {"lesson": "Tweede"}, world.participant, 2)
    assert not Revision.objects.exists()  # not coded yet: edited freely
    Reflection.objects.filter(pk=reflection.pk).update(coded_at=timezone.now())
    services.save_reflection(reflection, {"lesson": "Derde"}, world.participant, 3)
    revision = Revision.objects.get()
    assert revision.number == 1 and revision.content["lesson"] == "Tweede"
    assert revision.content["title"] == "Voor"


def test_submit_asks_for_what_a_submitted_reflection_needs(world, framework):
    reflection = written(world, framework, title="Alleen een titel")
    with pytest.raises(services.IncompleteReflection) as incomplete:
        services.submit(reflection, world.participant)
    assert set(incomplete.value.problems) == {"situation", "roles", "lesson"}
    role, other = framework.roles.all()[:2]
    services.save_reflection(
        reflection, {**complete(framework), "primary_role": other}, world.participant, 2
    )
    with pytest.raises(services.IncompleteReflection) as incomplete:
        services.submit(reflection, world.participant)
    assert set(incomplete.value.problems) == {"primary_role"}
    services.save_reflection(reflection, complete(framework), world.participant, 3)
    submitted = services.submit(reflection, world.participant)
    assert submitted.status == "submitted" and submitted.submitted_at is not None


def test_every_consent_change_is_in_the_log_with_from_and_to(world, framework):
    reflection = written(world, framework)
    services.set_consent(reflection, "named", world.participant)
    services.set_consent(reflection, "named", world.participant)  # no change, no event
    services.set_consent(reflection, "none", world.participant)  # withdrawn
    events = list(AuditEvent.objects.filter(action="reflection.consent_changed").order_by("pk"))
    assert [(e.data["from"], e.data["to"]) for e in events] == [
        ("none", "named"),
        ("named", "none"),
    ]
    assert all(describe(event) for event in events)
    services.set_visibility(reflection, "circle", world.participant)
    event = AuditEvent.objects.get(action="reflection.visibility_changed")
    assert event.data == {"from": "researchers", "to": "circle"} and describe(event)


def test_every_event_code_is_described(world, framework):
    reflection = written(world, framework, **complete(framework))
    services.submit(reflection, world.participant)
    for action in AuditEvent.objects.filter(action__startswith="reflection.").values_list(
        "action", flat=True
    ):
        event = AuditEvent.objects.filter(action=action).first()
        assert describe(event), action


# --- the writing form ---


def form_data(framework, version=None, **fields):
    data = {"title": "", "visibility": "researchers", "consent": "none", **fields}
    if version is not None:
        data["version"] = str(version)
    return data


def test_a_draft_keeps_everything_also_on_a_validation_error(world, framework, as_role):
    client = as_role("participant")
    role = framework.roles.first()
    response = client.post(
        reverse("reflections:new", args=[world.circle.slug]),
        form_data(
            framework,
            title="Mijn casus",
            situation="Een energiecoöperatie",
            roles=[role.pk],
            case_date="geen datum",
            action="draft",
        ),
    )
    assert response.status_code == 400
    reflection = Reflection.objects.get()
    assert reflection.title == "Mijn casus" and reflection.situation == "Een energiecoöperatie"
    assert list(reflection.roles.all()) == [role]
    html = response.content.decode()
    assert 'value="geen datum"' in html and "Een energiecoöperatie" in html
    assert 'aria-invalid="true"' in html


def test_save_draft_then_submit(world, framework, as_role):
    client = as_role("participant")
    response = client.post(
        reverse("reflections:new", args=[world.circle.slug]),
        form_data(framework, title="Mijn casus", action="draft"),
    )
    reflection = Reflection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "reflections:edit", args=[world.circle.slug, reflection.pk]
    )
    edit = reverse("reflections:edit", args=[world.circle.slug, reflection.pk])
    assert client.get(edit).status_code == 200
    # Submitting without what it needs: saved, shown again with the errors at the fields.
    response = client.post(edit, form_data(framework, 2, title="Mijn casus", action="submit"))
    assert response.status_code == 400
    assert Reflection.objects.get().is_draft
    role = framework.roles.first()
    value = framework.values.first()
    response = client.post(
        edit,
        form_data(
            framework,
            3,
            title="Mijn casus",
            situation="Het buurtbudget",
            roles=[role.pk],
            primary_role=role.pk,
            lesson="Eerder loslaten",
            **{f"value_{value.pk}": "strained", f"value_{value.pk}_text": "Niet iedereen"},
            visibility="circle",
            consent="anonymous",
            action="submit",
        ),
    )
    assert response.status_code == 302
    reflection = Reflection.objects.get()
    assert reflection.status == "submitted" and reflection.visibility == "circle"
    assert reflection.consent == "anonymous"
    assert reflection.value_notes.get().effect == "strained"
    page = client.get(reflection.get_absolute_url())
    assert page.status_code == 200 and "Eerder loslaten" in page.content.decode()


def test_two_tabs_the_later_save_is_refused_and_shows_both(world, framework, as_role):
    client = as_role("participant")
    reflection = written(world, framework, title="Begin")
    edit = reverse("reflections:edit", args=[world.circle.slug, reflection.pk])
    assert client.post(edit, form_data(framework, 2, title="Uit tab A")).status_code == 302
    response = client.post(edit, form_data(framework, 2, title="Uit tab B"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Uit tab A" in html and "Uit tab B" in html
    assert Reflection.objects.get().title == "Uit tab A"
    # The form now carries the current version: saving again keeps tab B's text on purpose.
    assert 'name="version" value="3"' in html


def test_autosave_with_htmx_keeps_the_draft_and_refuses_a_stale_version(world, framework, as_role):
    client = as_role("participant")
    reflection = written(world, framework, title="Begin")
    edit = reverse("reflections:edit", args=[world.circle.slug, reflection.pk])
    data = form_data(framework, 2, title="Onderweg", autosave="1")
    response = client.post(edit, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'name="version" value="3"' in response.content.decode()
    assert Reflection.objects.get().title == "Onderweg"
    response = client.post(edit, {**data, "title": "Oud tabblad"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'name="version"' not in response.content.decode()
    assert Reflection.objects.get().title == "Onderweg"


def test_a_save_after_the_pages_own_autosave_of_the_same_text_goes_through(
    world, framework, as_role
):
    client = as_role("participant")
    reflection = written(world, framework, title="Begin")
    edit = reverse("reflections:edit", args=[world.circle.slug, reflection.pk])
    data = form_data(framework, 2, title="Zelfde tekst")
    client.post(edit, {**data, "autosave": "1"}, HTTP_HX_REQUEST="true")
    # The button's request left before the autosave's answer came back: still version 2.
    assert client.post(edit, data).status_code == 302
    # A different choice saved elsewhere is a conflict, even with the same texts.
    services.save_reflection(
        Reflection.objects.get(), {"roles": [framework.roles.first()]}, world.participant, 4
    )
    assert client.post(edit, form_data(framework, 4, title="Zelfde tekst")).status_code == 409


def test_revisions_and_their_diff_for_the_author_and_researchers_only(world, framework, as_role):
    reflection = written(world, framework, **complete(framework, lesson="Eerste les"))
    services.submit(reflection, world.participant)
    services.set_visibility(reflection, "circle", world.participant)
    Reflection.objects.filter(pk=reflection.pk).update(coded_at=timezone.now())
    current = Reflection.objects.get()
    services.save_reflection(current, {"lesson": "Tweede les"}, world.participant, current.version)
    for person, sees in [("participant", True), ("researcher", True), ("organiser", False)]:
        html = as_role(person).get(reflection.get_absolute_url()).content.decode()
        assert ("<del>-Eerste les</del>" in html) is sees, person
        assert ("<ins>+Tweede les</ins>" in html) is sees, person


def test_only_the_published_versions_elements_not_retired_are_offered(world, framework, as_role):
    retired = framework.roles.last()
    retired.retired = True
    retired.save()
    CoreQuestion.objects.create(circle=world.circle, number=1, text="Wat vraagt dit van ons?")
    html = as_role("participant").get(reverse("reflections:new", args=[world.circle.slug]))
    html = html.content.decode()
    assert framework.roles.first().name_nl in html and retired.name_nl not in html
    assert "Wat vraagt dit van ons?" in html
    assert framework.roles.first().description[:30] in html


class _Dangers(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


def dangers(html: str) -> list[str]:
    """Elements and attributes that could run script, as a browser would parse them."""
    parser = _Dangers()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", XSS)
def test_no_script_reaches_a_page(world, framework, as_role, payload):
    texts = dict.fromkeys(services.TEXT_FIELDS, f"Tekst {payload}")
    texts["title"] = f"Titel {payload}"[:200]
    value = framework.values.first()
    reflection = written(world, framework, **{**complete(framework), **texts})
    Reflection.objects.filter(pk=reflection.pk).update(
        status="submitted", submitted_at=timezone.now(), visibility="circle"
    )
    services.save_reflection(
        reflection,
        {"value_notes": [(value, "served", payload)]},
        world.participant,
        reflection.version,
    )
    pages = [
        reverse("reflections:detail", args=[world.circle.slug, reflection.pk]),
        reverse("reflections:edit", args=[world.circle.slug, reflection.pk]),
        reverse("reflections:list", args=[world.circle.slug]),
        reverse("home"),
    ]
    for path in pages:
        for person in ("participant", "researcher"):
            response = as_role(person).get(path)
            if response.status_code == 403:
                continue
            assert response.status_code == 200, (path, person)
            assert dangers(response.content.decode()) == [], (path, person)


# --- who sees what ---


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_visibility_matrix_through_list_detail_and_overview(world, framework, as_role, visibility):
    reflection = ReflectionFactory(
        circle=world.circle,
        author=world.participant,
        municipality=world.breda,
        framework=framework,
        visibility=visibility,
        title="Gedeeld stuk",
    )
    for person in PEOPLE:
        forget_memberships(world.users[person])
        client = as_role(person)
        sees = person in READERS[visibility]
        listed = client.get(reverse("reflections:list", args=[world.circle.slug]))
        assert listed.status_code == 200
        assert ("Gedeeld stuk" in listed.content.decode()) is sees, person
        detail = client.get(reflection.get_absolute_url())
        assert detail.status_code == (200 if sees else 404), person
        overview = client.get(reverse("municipalities:circle", args=[world.circle.slug]))
        assert overview.status_code == 200
        if person != "participant":  # the overview lists what others shared
            assert ("Gedeeld stuk" in overview.content.decode()) is sees, person
    forget_memberships(world.participant)


def test_a_draft_is_the_authors_alone(world, framework, as_role):
    reflection = written(world, framework, title="Nog bezig")
    Reflection.objects.filter(pk=reflection.pk).update(visibility="circle")
    assert as_role("researcher").get(reflection.get_absolute_url()).status_code == 404
    assert as_role("participant").get(reflection.get_absolute_url()).status_code == 200


def test_one_who_may_see_but_not_change_gets_403_audited(world, framework, as_role):
    reflection = ReflectionFactory(
        circle=world.circle,
        author=world.participant,
        municipality=world.breda,
        framework=framework,
        visibility="circle",
    )
    edit = reverse("reflections:edit", args=[world.circle.slug, reflection.pk])
    assert as_role("coordinator").get(edit).status_code == 403
    assert AuditEvent.objects.filter(action="permission.denied", data__path=edit).exists()


def test_dashboard_counts(world, framework, as_role):
    written(world, framework, title="Concept een")
    written(world, framework, title="Concept twee")
    ReflectionFactory(circle=world.circle, author=world.participant, framework=framework)
    html = as_role("participant").get(reverse("home")).content.decode()
    assert "Concept een" in html and "Concept twee" in html
    assert reverse("reflections:new", args=[world.circle.slug]) in html
    section = html.split('id="writing-heading"', 1)[1].split("</section>", 1)[0]
    assert "1" in section and "2" in section
    researcher = as_role("researcher").get(reverse("home")).content.decode()
    assert 'id="writing-heading"' not in researcher


# --- query counts ---


def many(world, framework, count):
    Reflection.objects.bulk_create(
        Reflection(
            circle=world.circle,
            author=author,
            municipality=world.breda,
            framework=framework,
            title=f"Reflectie {i}",
            status="submitted" if i % 3 else "draft",
            submitted_at=timezone.now() if i % 3 else None,
            visibility="circle",
        )
        for i in range(count)
        for author in (world.participant, world.coordinator)
    )


@pytest.mark.parametrize("count", [5, 500])
def test_my_reflections_and_shared_in_pinned_queries(
    world, framework, as_role, django_assert_max_num_queries, count
):
    many(world, framework, count)
    client = as_role("participant")
    url = reverse("reflections:list", args=[world.circle.slug])
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(url + "?pagina=2&mijn=2")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 500])
def test_dashboard_and_overview_in_pinned_queries(
    world, framework, as_role, django_assert_max_num_queries, count
):
    many(world, framework, count)
    client = as_role("participant")
    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        response = client.get(reverse("municipalities:circle", args=[world.circle.slug]))
    assert response.status_code == 200
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(reverse("home"))
    assert response.status_code == 200


LIST_QUERIES = 11
OVERVIEW_QUERIES = 9
HOME_QUERIES = 10  # the prompt of the latest meeting attended is one more


@pytest.mark.parametrize("asked", ["abc", "²", "9" * 30, "-1", ""])
def test_a_meeting_in_the_link_that_is_not_a_number_is_ignored(world, framework, as_role, asked):
    response = as_role("participant").get(
        reverse("reflections:new", args=[world.circle.slug]), {"bijeenkomst": asked}
    )
    assert response.status_code == 200


def test_the_dashboard_asks_to_reflect_on_the_latest_meeting_attended(world, framework, as_role):
    import datetime

    from tests.factories import MeetingFactory, RegistrationFactory

    start = timezone.now() - datetime.timedelta(days=3)
    held = MeetingFactory(
        circle=world.circle,
        title="Najaarsbijeenkomst",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
    )
    RegistrationFactory(meeting=held, user=world.participant, attended=True)
    client = as_role("participant")
    link = f"{reverse('reflections:new', args=[world.circle.slug])}?bijeenkomst={held.pk}"
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert link in response.content.decode()
    ReflectionFactory(circle=world.circle, author=world.participant, meeting=held)
    assert link not in client.get(reverse("home")).content.decode()
    # Someone who was absent is not asked.
    assert link not in as_role("coordinator").get(reverse("home")).content.decode()
