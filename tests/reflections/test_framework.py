"""The circle's framework: installed from the seeds, edited by researchers in a draft, published
without touching older versions or the reflections written against them, compared by code."""

import re

import pytest
from django.urls import reverse

from leerkring.models import AuditEvent
from reflections import services
from reflections.models import Framework, Practice, Reflection, Role, Value

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1(world):
    return services.install_default_framework(world.circle, by=world.researcher)


def codes(queryset) -> list[str]:
    return list(queryset.values_list("code", flat=True))


def management(prefix: str, forms: list[dict], initial: int) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(forms)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, form in enumerate(forms):
        data.update({f"{prefix}-{i}-{key}": value for key, value in form.items()})
    return data


def element_data(element, **changes) -> dict:
    data = {
        "id": str(element.pk),
        "framework": str(element.framework_id),
        "name_nl": element.name_nl,
        "name_en": element.name_en,
        "description": element.description,
        "position": str(element.position),
    }
    if element.retired:
        data["retired"] = "on"
    if isinstance(element, Practice):
        data["roles"] = [str(r.pk) for r in element.roles.all()]
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post_data(draft, roles=None, practices=None, values=None, extra=None) -> dict:
    """The edit form as the page would post it: every element as it is unless changed."""
    extra = extra or {}
    data = {}
    for prefix, kind, changed in (
        ("rollen", draft.roles.all(), roles or {}),
        ("werkvormen", draft.practices.prefetch_related("roles"), practices or {}),
        ("waarden", draft.values.all(), values or {}),
    ):
        forms = [element_data(e, **changed.get(e.code, {})) for e in kind]
        initial = len(forms)
        forms.extend(extra.get(prefix, []))
        data.update(management(prefix, forms, initial))
    return data


# --- The default framework ----------------------------------------------------------------------


def test_default_framework_is_the_seeds(world, v1):
    assert v1.number == 1 and v1.is_published and v1.published_at
    assert codes(v1.roles.all()) == ["reguleren", "regisseren", "sturen", "faciliteren", "loslaten"]
    assert codes(v1.values.all()) == ["gelijkheid-en-inclusie", "verantwoording", "deliberatie"]
    assert len(codes(v1.practices.all())) == 5
    for element in [*v1.roles.all(), *v1.values.all(), *v1.practices.all()]:
        assert element.name_nl and element.name_en and element.description
    uitdaagrecht = v1.practices.get(code="uitdaagrecht")
    assert set(codes(uitdaagrecht.roles.all())) == {"faciliteren", "loslaten"}
    assert all(p.roles.exists() for p in v1.practices.all())
    assert AuditEvent.objects.filter(action="framework.installed", circle=world.circle).count() == 1


def test_installing_again_changes_nothing(world, v1):
    again = services.install_default_framework(world.circle, by=world.researcher)
    assert again == v1
    assert Framework.objects.filter(circle=world.circle).count() == 1
    assert Role.objects.filter(framework__circle=world.circle).count() == 5


# --- The draft ----------------------------------------------------------------------------------


def test_a_draft_copies_the_published_version(world, v1):
    draft = services.start_draft(world.circle, by=world.researcher)
    assert (draft.number, draft.status, draft.based_on) == (2, "draft", v1)
    for kind in ("roles", "practices", "values"):
        old, new = getattr(v1, kind).all(), getattr(draft, kind).all()
        assert codes(new) == codes(old)
        assert not set(new.values_list("pk", flat=True)) & set(old.values_list("pk", flat=True))
    for practice in draft.practices.prefetch_related("roles"):
        original = v1.practices.get(code=practice.code)
        assert {r.framework_id for r in practice.roles.all()} == {draft.pk}
        assert set(codes(practice.roles.all())) == set(codes(original.roles.all()))
    # Asking again gives the same draft.
    assert services.start_draft(world.circle, by=world.researcher) == draft
    assert AuditEvent.objects.filter(action="framework.draft_started").count() == 1


def test_publishing_keeps_older_versions_and_reflections(world, v1):
    sturen = v1.roles.get(code="sturen")
    reflection = Reflection.objects.create(
        circle=world.circle,
        author=world.participant,
        municipality=world.breda,
        framework=v1,
        title="Het buurtbudget in de Heuvel",
        primary_role=sturen,
    )
    reflection.roles.set([sturen])
    draft = services.start_draft(world.circle, by=world.researcher)
    draft.roles.filter(code="sturen").update(name_nl="Bijsturen", description="Nieuw.")
    draft.roles.filter(code="loslaten").update(retired=True)
    services.publish(draft, by=world.researcher)

    draft.refresh_from_db()
    assert draft.is_published and draft.number == 2 and draft.published_by == world.researcher
    assert services.published_framework(world.circle) == draft
    v1.refresh_from_db()
    assert v1.is_published and v1.number == 1
    sturen.refresh_from_db()
    assert sturen.name_nl == "Sturen" and sturen.framework == v1
    assert not v1.roles.get(code="loslaten").retired
    reflection.refresh_from_db()
    assert reflection.framework == v1 and reflection.primary_role == sturen
    assert list(reflection.roles.all()) == [sturen]
    assert AuditEvent.objects.filter(action="framework.published", target_id=str(draft.pk)).exists()
    with pytest.raises(services.FrameworkError):
        services.publish(draft, by=world.researcher)


# --- Editing: retire, delete, add ---------------------------------------------------------------


def edit(as_role, world, data):
    return as_role("researcher").post(
        reverse("reflections:framework_edit", args=[world.circle.slug]), data
    )


def test_a_published_element_can_only_be_retired(as_role, world, v1):
    draft = services.start_draft(world.circle, by=world.researcher)
    page = as_role("researcher").get(
        reverse("reflections:framework_edit", args=[world.circle.slug])
    )
    assert page.status_code == 200
    # No delete box for what was published; the empty extra forms have none either.
    assert b"rollen-0-DELETE" not in page.content
    assert b"rollen-0-retired" in page.content
    response = edit(as_role, world, post_data(draft, roles={"loslaten": {"retired": "on"}}))
    assert response.status_code == 302
    loslaten = draft.roles.get(code="loslaten")
    assert loslaten.retired
    # A forged delete of a published element is refused and deletes nothing.
    forged = post_data(draft, roles={"sturen": {"DELETE": "on"}})
    edit(as_role, world, forged)
    assert draft.roles.filter(code="sturen").exists()
    # The framework page no longer offers what the draft retired once published.
    services.publish(draft, by=world.researcher)
    page = as_role("participant").get(reverse("reflections:framework", args=[world.circle.slug]))
    assert page.status_code == 200
    assert "Loslaten" not in page.content.decode() and "Sturen" in page.content.decode()


def test_the_service_refuses_to_delete_a_published_element(world, v1):
    draft = services.start_draft(world.circle, by=world.researcher)

    class Form:
        instance = draft.roles.get(code="sturen")

    class FakeFormSet:
        model = Role
        deleted_forms = [Form()]

    with pytest.raises(services.FrameworkError):
        services.save_draft(draft, {"roles": FakeFormSet()}, by=world.researcher)
    assert draft.roles.filter(code="sturen").exists()


def test_a_new_element_gets_a_code_and_can_be_deleted(as_role, world, v1):
    draft = services.start_draft(world.circle, by=world.researcher)
    role_pk = str(draft.roles.get(code="faciliteren").pk)
    new_practice = {
        "name_nl": "Wijktafel",
        "name_en": "Neighbourhood table",
        "description": "Bewoners en gemeente aan één tafel.",
        "position": "6",
        "roles": [role_pk],
    }
    response = edit(as_role, world, post_data(draft, extra={"werkvormen": [new_practice]}))
    assert response.status_code == 302
    wijktafel = draft.practices.get(code="wijktafel")
    assert codes(wijktafel.roles.all()) == ["faciliteren"]
    page = as_role("researcher").get(
        reverse("reflections:framework_edit", args=[world.circle.slug])
    )
    index = list(draft.practices.values_list("code", flat=True)).index("wijktafel")
    assert f"werkvormen-{index}-DELETE".encode() in page.content
    response = edit(as_role, world, post_data(draft, practices={"wijktafel": {"DELETE": "on"}}))
    assert response.status_code == 302
    assert not draft.practices.filter(code="wijktafel").exists()
    assert AuditEvent.objects.filter(action="framework.draft_saved").count() == 2


def test_a_validation_error_keeps_what_was_typed(as_role, world, v1):
    draft = services.start_draft(world.circle, by=world.researcher)
    too_long = "x" * 101
    data = post_data(
        draft,
        roles={"sturen": {"name_nl": too_long, "description": "Mijn nieuwe omschrijving"}},
    )
    response = edit(as_role, world, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert too_long in content and "Mijn nieuwe omschrijving" in content
    assert 'aria-invalid="true"' in content
    assert draft.roles.get(code="sturen").name_nl == "Sturen"


# --- Comparing ----------------------------------------------------------------------------------


def test_compare_by_code(world, v1):
    draft = services.start_draft(world.circle, by=world.researcher)
    draft.roles.filter(code="sturen").update(name_en="Guiding")
    draft.roles.filter(code="loslaten").update(retired=True)
    draft.values.filter(code="deliberatie").update(description="Anders omschreven.")
    Value.objects.create(
        framework=draft,
        code="transparantie",
        name_nl="Transparantie",
        name_en="Transparency",
        position=4,
    )
    buurtbudget = draft.practices.get(code="buurtbudget")
    buurtbudget.roles.remove(draft.roles.get(code="loslaten"))

    result = services.compare(v1, draft)
    assert [r.code for r in result["roles"].renamed] == ["sturen"]
    assert [r.code for r in result["roles"].retired] == ["loslaten"]
    assert result["roles"].added == [] and result["roles"].described == []
    assert [r.code for r in result["values"].added] == ["transparantie"]
    assert [r.code for r in result["values"].described] == ["deliberatie"]
    assert [(r.code, r.changes) for r in result["practices"].changed] == [
        ("buurtbudget", ("regrouped",))
    ]
    # Every element of both versions is there, side by side.
    assert len(result["roles"].rows) == 5 and len(result["values"].rows) == 4

    page = None
    from django.test import Client

    client = Client()
    client.force_login(world.researcher)
    page = client.get(
        reverse("reflections:framework_compare", args=[world.circle.slug]),
        {"old": 1, "new": 2},
    )
    assert page.status_code == 200
    assert "Transparency" in page.content.decode() and "Guiding" in page.content.decode()


# --- Who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "person",
    ["researcher", "organiser", "coordinator", "other_coordinator", "participant", "trainer"],
)
def test_every_member_reads_the_framework_only_researchers_edit(as_role, world, v1, person):
    client = as_role(person)
    slug = world.circle.slug
    assert client.get(reverse("reflections:framework", args=[slug])).status_code == 200
    expected = 200 if person == "researcher" else 403
    for name in ("framework_edit", "framework_publish", "framework_compare"):
        assert client.get(reverse(f"reflections:{name}", args=[slug])).status_code == expected
    start = client.post(reverse("reflections:framework_start", args=[slug]))
    assert start.status_code == (302 if person == "researcher" else 403)


def test_the_draft_is_the_researchers_alone(world, v1):
    draft = services.start_draft(world.circle, by=world.researcher)
    for person in ("organiser", "participant", "coordinator", "trainer"):
        user = world.users[person]
        assert draft not in Framework.objects.visible_to(user)
        assert not user.has_perm("reflections.view_framework", draft)
    assert world.researcher.has_perm("reflections.view_framework", draft)
    assert world.outsider.has_perm("reflections.view_framework", v1) is False


def test_publishing_through_the_page(as_role, world, v1):
    slug = world.circle.slug
    client = as_role("researcher")
    client.post(reverse("reflections:framework_start", args=[slug]))
    page = client.get(reverse("reflections:framework_publish", args=[slug]))
    assert page.status_code == 200
    assert Framework.objects.get(circle=world.circle, number=2).status == "draft"
    response = client.post(reverse("reflections:framework_publish", args=[slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("reflections:framework", args=[slug])
    assert Framework.objects.get(circle=world.circle, number=2).is_published


# --- Queries ------------------------------------------------------------------------------------


def test_the_framework_page_reads_a_fixed_number_of_queries(
    as_role, world, v1, django_assert_max_num_queries
):
    client = as_role("participant")
    url = reverse("reflections:framework", args=[world.circle.slug])
    client.get(url)  # warm the session and the per-request caches of the first request
    with django_assert_max_num_queries(FRAMEWORK_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    # More elements, the same count.
    for i in range(10):
        practice = Practice.objects.create(
            framework=v1, code=f"extra-{i}", name_nl=f"Extra {i}", name_en=f"Extra {i}"
        )
        practice.roles.set(v1.roles.all())
    with django_assert_max_num_queries(FRAMEWORK_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200


# Session, user, memberships, circle, version, roles, practices with their roles, values.
FRAMEWORK_PAGE_QUERIES = 9


def test_the_framework_tab_is_marked_on_the_framework_pages(as_role, world, v1):
    client = as_role("researcher")
    for name in ("framework", "framework_edit", "framework_publish", "framework_compare"):
        response = client.get(reverse(f"reflections:{name}", args=[world.circle.slug]))
        assert response.status_code == 200
        current = re.findall(
            r'<a href="([^"]+)" aria-current="(?:true|page)"', response.content.decode()
        )
        assert current == [reverse("reflections:framework", args=[world.circle.slug])], name


def test_the_demo_seeder_installs_the_framework_once_per_demo_circle(db):
    from leerkring.demo import COURSE_SLUG, FIRST_CIRCLE_SLUG, DemoContext
    from reflections.demo import seed_framework
    from tests.factories import CircleFactory

    circles = [CircleFactory(slug=FIRST_CIRCLE_SLUG), CircleFactory(slug=COURSE_SLUG)]
    context = DemoContext(password="demo-wachtwoord-1")
    seed_framework(context)
    seed_framework(context)
    for circle in circles:
        assert list(circle.frameworks.values_list("number", "status")) == [(1, "published")]
        assert circle.frameworks.get().roles.count() == 5
