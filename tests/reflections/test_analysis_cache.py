"""The analysis counts a selection once per state of the data: PostgreSQL raises a stamp per
circle (migration 0005) in the same transaction as every change the counts depend on, and the
page shows new numbers after each kind of change, without anyone clearing a cache."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from leerkring.models import CoreQuestion
from reflections.analysis import stamp
from reflections.models import FreeCode, Passage, PassageCode, ValueNote
from tests.factories import CircleFactory, ReflectionFactory
from tests.reflections.test_analysis import framework, reflect

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(world):
    return framework(world.circle, 1)


@pytest.fixture
def reflection(world, version):
    return reflect(
        world,
        version,
        roles=["faciliteren"],
        values=["gelijkheid"],
        practices=["wijktafel"],
        day=datetime.date(2018, 3, 1),
    )


def _passage(reflection, world) -> Passage:
    """A whole-reflection passage on the revision of the reflection's current version."""
    from reflections.models import Revision

    revision, _created = Revision.objects.get_or_create(
        reflection=reflection,
        reflection_version=reflection.version,
        defaults={"number": 1, "content": {}},
    )
    return Passage.objects.create(
        reflection=reflection, revision=revision, coder=world.users["researcher"]
    )


CHANGES = {
    "a new reflection": lambda w, v, r, p: reflect(w, v, roles=["sturen"]),
    "a reflection edited": lambda w, v, r, p: (
        type(r).objects.filter(pk=r.pk).update(visibility="private")
    ),
    "a reflection deleted": lambda w, v, r, p: r.delete(),
    "a role added": lambda w, v, r, p: r.roles.add(v.roles.get(code="sturen")),
    "a role taken off": lambda w, v, r, p: r.roles.clear(),
    "a work practice added": lambda w, v, r, p: r.practices.add(
        v.practices.get(code="buurtbudget")
    ),
    "a core question added": lambda w, v, r, p: r.core_questions.add(CoreQuestion.objects.first()),
    "a value note added": lambda w, v, r, p: ValueNote.objects.create(
        reflection=r, value=v.values.get(code="deliberatie"), effect="served"
    ),
    "a value note changed": lambda w, v, r, p: ValueNote.objects.filter(reflection=r).update(
        value=v.values.get(code="verantwoording")
    ),
    "a value note deleted": lambda w, v, r, p: ValueNote.objects.filter(reflection=r).delete(),
    "a passage coded": lambda w, v, r, p: _passage(r, w),
    "a code on a passage": lambda w, v, r, p: PassageCode.objects.create(
        passage=p, kind="role", role=v.roles.get(code="sturen")
    ),
    "a role renamed": lambda w, v, r, p: v.roles.filter(code="sturen").update(name_nl="Koers"),
    "a municipality renamed": lambda w, v, r, p: (
        type(w.breda).objects.filter(pk=w.breda.pk).update(name="Breda (gemeente)")
    ),
    "a core question renumbered": lambda w, v, r, p: CoreQuestion.objects.filter(
        pk=CoreQuestion.objects.order_by("pk").values("pk")[:1]
    ).update(number=99),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_the_counts_depend_on_raises_the_stamp(world, version, reflection, change):
    CoreQuestion.objects.get_or_create(circle=world.circle, number=1, defaults={"text": "Vraag"})
    passage = _passage(reflection, world) if "passage" in change else None
    before = stamp(world.circle.pk)
    assert before is not None and before >= 1
    CHANGES[change](world, version, reflection, passage)
    assert stamp(world.circle.pk) > before


def test_a_change_in_another_circle_leaves_the_stamp_alone(world, version, reflection):
    other = CircleFactory(slug="nog-een-kring")
    before = stamp(world.circle.pk)
    ReflectionFactory(circle=other, municipality=world.breda, author=world.users["participant"])
    assert stamp(world.circle.pk) == before
    assert stamp(other.pk) >= 1


def test_the_stamp_rises_in_the_writing_transaction_not_before(world, version, reflection):
    """A reader in another connection sees the old stamp until the change commits (so it can
    never store old counts under the new stamp)."""
    from django.db import transaction

    before = stamp(world.circle.pk)
    with transaction.atomic():
        reflection.roles.clear()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT version FROM reflections_analysis_stamp WHERE circle_id = %s",
                [world.circle.pk],
            )
            inside = cursor.fetchone()[0]
    assert inside == before + 1


def _matrix_total(client, world, **params) -> int:
    response = client.get(reverse("reflections:analysis", args=[world.circle.slug]), params)
    assert response.status_code == 200
    return response.context["count"], response.context["figures"]


def _cell(figures, slug, row, column) -> int:
    (found,) = [f["figure"] for f in figures if f["figure"].slug == slug]
    return found.table.count(row, column)


def test_the_page_counts_anew_after_each_change_and_not_in_between(
    client, world, version, reflection, django_assert_num_queries
):
    client.force_login(world.users["researcher"])
    url = reverse("reflections:analysis", args=[world.circle.slug])
    count, figures = _matrix_total(client, world)
    assert count == 1
    assert _cell(figures, "rollen-waarden", "faciliteren", "gelijkheid") == 1

    second = reflect(world, version, roles=["faciliteren"], values=["gelijkheid"])
    count, figures = _matrix_total(client, world)
    assert count == 2
    assert _cell(figures, "rollen-waarden", "faciliteren", "gelijkheid") == 2

    second.roles.set([version.roles.get(code="sturen")])
    count, figures = _matrix_total(client, world)
    assert _cell(figures, "rollen-waarden", "faciliteren", "gelijkheid") == 1
    assert _cell(figures, "rollen-waarden", "sturen", "gelijkheid") == 1

    ValueNote.objects.filter(reflection=second).delete()
    count, figures = _matrix_total(client, world)
    assert _cell(figures, "rollen-waarden", "sturen", "gelijkheid") == 0
    assert _cell(figures, "rollen-per-gemeente", str(world.breda.pk), "sturen") == 1

    # Nothing changed: the counts come from the cache (no figure query runs).
    from tests.reflections.test_analysis import COUNTED_QUERIES

    with django_assert_num_queries(COUNTED_QUERIES):
        assert client.get(url).status_code == 200


def test_a_code_filter_sees_a_new_coding_at_once(client, world, version, reflection):
    client.force_login(world.users["researcher"])
    free = FreeCode.objects.create(circle=world.circle, name="Vertrouwen")
    key = f"free:{free.pk}"
    count, _figures = _matrix_total(client, world, code=key)
    assert count == 0
    PassageCode.objects.create(passage=_passage(reflection, world), kind="free", free_code=free)
    count, figures = _matrix_total(client, world, code=key)
    assert count == 1
    assert _cell(figures, "rollen-waarden", "faciliteren", "gelijkheid") == 1


def test_a_renamed_municipality_is_shown_with_its_new_name(client, world, version, reflection):
    client.force_login(world.users["researcher"])
    _count, figures = _matrix_total(client, world)
    (table,) = [f["figure"].table for f in figures if f["figure"].slug == "rollen-per-gemeente"]
    assert [row.name for row in table.rows] == ["Breda"]
    type(world.breda).objects.filter(pk=world.breda.pk).update(name="Gemeente Breda")
    _count, figures = _matrix_total(client, world)
    (table,) = [f["figure"].table for f in figures if f["figure"].slug == "rollen-per-gemeente"]
    assert [row.name for row in table.rows] == ["Gemeente Breda"]
