"""The demo's reflections: realistic, spread over the circle, made once; and
`seed_demo --reflections N` for benchmarks."""

import pytest
from django.core.management import call_command

from leerkring.demo import FIRST_CIRCLE_SLUG
from leerkring.models import OutgoingEmail
from reflections.models import MeetingPrompt, Reflection, ValueNote

pytestmark = pytest.mark.django_db


def seed(capsys, *args) -> None:
    call_command("seed_demo", *args)
    capsys.readouterr()


def counts() -> dict[str, int]:
    return {
        "reflections": Reflection.objects.count(),
        "notes": ValueNote.objects.count(),
        "roles": Reflection.roles.through.objects.count(),
        "practices": Reflection.practices.through.objects.count(),
        "questions": Reflection.core_questions.through.objects.count(),
        "prompts": MeetingPrompt.objects.count(),
    }


def test_the_demo_has_realistic_reflections_spread_over_the_circle(
    capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seed(capsys)
    reflections = Reflection.objects.filter(circle__slug=FIRST_CIRCLE_SLUG)
    assert reflections.count() >= 40
    assert reflections.values("municipality").distinct().count() >= 4
    assert reflections.values("author").distinct().count() >= 8
    assert set(reflections.values_list("visibility", flat=True)) == set(
        Reflection.Visibility.values
    )
    assert set(reflections.values_list("consent", flat=True)) == set(Reflection.Consent.values)
    assert reflections.filter(status="draft").exists()
    assert reflections.filter(status="submitted").count() >= 35
    assert reflections.filter(switched_from__isnull=False, switched_to__isnull=False).count() >= 5
    assert reflections.filter(meeting__isnull=False).count() >= 5
    primary = set(reflections.values_list("primary_role__code", flat=True))
    assert {"reguleren", "regisseren", "sturen", "faciliteren", "loslaten"} <= primary
    practices = set(reflections.values_list("practices__code", flat=True))
    assert {"buurtbudget", "uitdaagrecht", "burgerpanel"} <= practices
    effects = set(ValueNote.objects.values_list("value__code", "effect"))
    assert ("gelijkheid-en-inclusie", "strained") in effects
    assert ("deliberatie", "served") in effects
    # Three half-years: cases from the circle's start until now.
    half_years = {
        (d.year, (d.month - 1) // 6) for d in reflections.values_list("case_date", flat=True)
    }
    assert len(half_years) >= 3
    linked = reflections.filter(meeting__isnull=False).select_related("meeting")
    assert all(r.meeting.circle_id == r.circle_id for r in linked)
    assert all(r.meeting.starts_at.date() <= r.created_at.date() for r in linked)
    # Every reflection is by a civil servant or coordinator, in their own municipality.
    assert not reflections.filter(municipality__isnull=True).exists()
    # The past meetings' invitations to reflect count as sent back then: seeding sends none
    # (only Breda's two invitations to join, as before).
    assert MeetingPrompt.objects.exists()
    assert OutgoingEmail.objects.count() == 2
    assert not OutgoingEmail.objects.filter(body__contains="?bijeenkomst=").exists()


def test_seeding_again_makes_nothing_twice_and_reflections_n_adds_n(capsys):
    seed(capsys)
    before = counts()
    seed(capsys)
    assert counts() == before
    seed(capsys, "--reflections", "200")
    after = counts()
    assert after["reflections"] == before["reflections"] + 200
    for link in ("notes", "roles", "practices", "questions"):
        assert after[link] == before[link] + 200
    synthetic = Reflection.objects.filter(title__startswith="Oefencasus ")
    assert synthetic.count() == 200
    assert set(synthetic.values_list("visibility", flat=True)) == set(Reflection.Visibility.values)
    assert synthetic.values("author").distinct().count() >= 8
    seed(capsys, "--reflections", "200")
    assert Reflection.objects.count() == before["reflections"] + 400
    assert Reflection.objects.filter(title="Oefencasus 400").exists()
