"""The dashboard is a task list per person, gathered from every app through the registry."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Role
from sessions.models import Registration
from tests.factories import (
    AgendaItemFactory,
    CircleFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    OutcomeFactory,
    ParticipationFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def page(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def past_meeting(world):
    """A meeting that is over, with people registered but no attendance and no minutes."""
    start = timezone.now() - datetime.timedelta(days=10)
    meeting = MeetingFactory(
        circle=world.circle,
        title="Najaarsbijeenkomst",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
    )
    RegistrationFactory(meeting=meeting, user=world.participant)
    return meeting


def test_civil_servant_sees_next_meetings_with_a_register_button_and_agreements(as_role, world):
    world.agreement.due_date = timezone.localdate() - datetime.timedelta(days=3)
    world.agreement.save()
    html = page(as_role("participant"))
    assert "Voorjaarsbijeenkomst" in html
    register_url = reverse("meetings:register", args=[world.circle.slug, world.meeting.pk])
    assert f'action="{register_url}"' in html
    assert world.agreement.text in html
    assert "te laat" in html  # the overdue agreement is marked
    # Planning tasks are not theirs.
    assert reverse("meetings:agenda", args=[world.circle.slug, world.meeting.pk]) not in html


def test_registering_from_the_dashboard_returns_to_the_dashboard(as_role, world):
    client = as_role("participant")
    response = client.post(
        reverse("meetings:register", args=[world.circle.slug, world.meeting.pk]),
        {"next": reverse("home")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert Registration.objects.filter(meeting=world.meeting, user=world.participant).exists()
    html = page(client)
    assert "Je bent aangemeld." in html


def test_next_never_leads_off_the_site(as_role, world):
    client = as_role("participant")
    for target in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
        response = client.post(
            reverse("meetings:unregister", args=[world.circle.slug, world.meeting.pk]),
            {"next": target},
        )
        assert response["Location"] == world.meeting.get_absolute_url()


def test_marking_an_agreement_done_from_the_dashboard_returns_there(as_role, world):
    client = as_role("participant")
    response = client.post(
        reverse("meetings:agreement_done", args=[world.circle.slug, world.agreement.pk]),
        {"next": reverse("home")},
    )
    assert response["Location"] == reverse("home")
    world.agreement.refresh_from_db()
    assert world.agreement.status == "done"


def test_organiser_sees_meetings_that_need_agenda_attendance_and_minutes(
    as_role, world, past_meeting
):
    bare = MeetingFactory(circle=world.circle, title="Zomerbijeenkomst")
    html = page(as_role("organiser"))
    slug = world.circle.slug
    assert reverse("meetings:agenda", args=[slug, bare.pk]) in html
    # The meeting with an agenda is not listed as needing one.
    assert reverse("meetings:agenda", args=[slug, world.meeting.pk]) not in html
    assert reverse("meetings:attendance", args=[slug, past_meeting.pk]) in html
    assert reverse("meetings:minutes", args=[slug, past_meeting.pk]) in html
    assert "Werving van gemeenten" in html


def test_recorded_attendance_and_minutes_take_the_tasks_away(as_role, world, past_meeting):
    past_meeting.minutes = "Verslag."
    past_meeting.save()
    Registration.objects.filter(meeting=past_meeting).update(attended=True)
    html = page(as_role("organiser"))
    assert reverse("meetings:attendance", args=[world.circle.slug, past_meeting.pk]) not in html
    assert reverse("meetings:minutes", args=[world.circle.slug, past_meeting.pk]) not in html


def test_coordinator_sees_their_municipalitys_invitations_and_who_has_not_registered(
    as_role, world
):
    colleague = UserFactory(name="Bram Breda")
    MembershipFactory(
        user=colleague, circle=world.circle, role=Role.PARTICIPANT, municipality=world.breda
    )
    RegistrationFactory(meeting=world.meeting, user=world.participant)
    tilburg_invite = InvitationFactory(
        circle=world.circle,
        email="t@example.org",
        role=Role.PARTICIPANT,
        municipality=world.tilburg,
    )
    html = page(as_role("coordinator"))
    assert world.invitation.email in html
    assert tilburg_invite.email not in html
    section = html[html.index("Nog niet aangemeld") :]
    assert "Bram Breda" in section
    assert world.participant.name not in section.split("</section>")[0]


def test_researcher_sees_recruitment_against_the_target(as_role, world):
    html = page(as_role("researcher"))
    assert "Werving van gemeenten" in html
    assert "2 gemeenten doen mee (doel 5 tot 8)" in html
    assert reverse("municipalities:participation_add", args=[world.circle.slug]) in html


@pytest.mark.parametrize("person", ["researcher", "organiser", "coordinator", "participant"])
def test_dashboard_query_count_is_pinned_and_does_not_grow(
    client, django_assert_num_queries, django_assert_max_num_queries, settings, person
):
    settings.MFA_REQUIRED = False

    def populate(circle, me_membership, n):
        for _ in range(n):
            place = ParticipationFactory(circle=circle, status="participating").municipality
            meeting = MeetingFactory(circle=circle)
            AgendaItemFactory(meeting=meeting)
            start = timezone.now() - datetime.timedelta(days=20)
            past = MeetingFactory(
                circle=circle, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
            )
            RegistrationFactory(meeting=past)
            OutcomeFactory(
                meeting=past,
                kind="agreement",
                assignee=me_membership.user,
                due_date=timezone.localdate() - datetime.timedelta(days=1),
            )
            MembershipFactory(
                circle=circle,
                role=Role.PARTICIPANT,
                municipality=me_membership.municipality or place,
            )
            InvitationFactory(
                circle=circle,
                role=Role.PARTICIPANT,
                municipality=me_membership.municipality or place,
            )

    circle = CircleFactory()
    home = ParticipationFactory(circle=circle, status="participating").municipality
    municipal = person in ("coordinator", "participant")
    me = MembershipFactory(circle=circle, role=person, municipality=home if municipal else None)
    client.force_login(me.user)
    populate(circle, me, 1)
    with django_assert_num_queries(PINNED[person]) as small:
        assert client.get(reverse("home")).status_code == 200
    populate(circle, me, 6)
    # A second circle adds no queries per circle either.
    MembershipFactory(user=me.user, role=person, municipality=home if municipal else None)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(reverse("home")).status_code == 200
    assert len(large.captured_queries) == PINNED[person]


# Queries of the dashboard per role (session and user included), quoted in the closing note.
# Coordinators and civil servants write reflections: their section counts and lists drafts (2).
PINNED = {"researcher": 13, "organiser": 12, "coordinator": 14, "participant": 10}


def test_minutes_and_attendance_opened_from_the_dashboard_return_to_it(
    as_role, world, past_meeting
):
    client = as_role("organiser")
    slug = world.circle.slug
    form = client.get(
        reverse("meetings:minutes", args=[slug, past_meeting.pk]), {"next": reverse("home")}
    )
    assert form.status_code == 200
    assert '<input type="hidden" name="next" value="/">' in form.content.decode()
    saved = client.post(
        reverse("meetings:minutes", args=[slug, past_meeting.pk]),
        {"minutes": "Wat we leerden.", "next": reverse("home")},
    )
    assert saved["Location"] == reverse("home")
    recorded = client.post(
        reverse("meetings:attendance", args=[slug, past_meeting.pk]),
        {"present": [world.participant.pk], "next": reverse("home")},
    )
    assert recorded["Location"] == reverse("home")
    html = page(client)
    assert reverse("meetings:minutes", args=[slug, past_meeting.pk]) not in html
    assert reverse("meetings:attendance", args=[slug, past_meeting.pk]) not in html
