import pytest
from django.urls import reverse

from leerkring import audit
from leerkring.models import AuditEvent
from tests.factories import UserFactory


@pytest.mark.django_db
def test_failed_login_is_recorded_with_ip_but_without_password(client):
    UserFactory(email="iemand@example.org")
    client.post(
        reverse("account_login"),
        {"login": "iemand@example.org", "password": "geheim-fout"},
        REMOTE_ADDR="203.0.113.9",
    )
    event = AuditEvent.objects.get(action="login.failed")
    assert event.ip_address == "203.0.113.9"
    assert event.data == {"login": "iemand@example.org"}
    assert "geheim-fout" not in str(event.data)


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted():
    event = audit.record("test.event")
    event.action = "iets.anders"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk, action="test.event").exists()


def test_researcher_reads_the_circle_log_of_their_circle_only(world, as_role):
    audit.record("participation.status_changed", actor=world.researcher, circle=world.circle)
    audit.record("elders", actor=world.outsider, circle=world.other_circle)
    html = (
        as_role("researcher")
        .get(reverse("municipalities:audit_log", args=[world.circle.slug]))
        .content.decode()
    )
    assert "participation.status_changed" in html
    assert "elders" not in html


def test_admin_cannot_change_or_delete_audit_events(client, db):
    from allauth.mfa.models import Authenticator

    admin = UserFactory(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=admin, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"})
    event = audit.record("test.event")
    client.force_login(admin)
    assert client.get(reverse("admin:leerkring_auditevent_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:leerkring_auditevent_delete", args=[event.pk])).status_code == 403
    )
    client.post(reverse("admin:leerkring_auditevent_change", args=[event.pk]), {"action": "x"})
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


# --- The audit log as researchers read it ---------------------------------------------------------

import datetime  # noqa: E402

from django.utils import timezone, translation  # noqa: E402

from leerkring import services as core_services  # noqa: E402
from municipalities import services  # noqa: E402
from municipalities.models import Participation, Role  # noqa: E402
from sessions import services as meeting_services  # noqa: E402
from tests.factories import MeetingFactory, RegistrationFactory  # noqa: E402


def log_url(world, **params):
    url = reverse("municipalities:audit_log", args=[world.circle.slug])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def describe_last(action: str, language: str = "en") -> str:
    event = AuditEvent.objects.filter(action=action).latest("id")
    with translation.override(language):
        return audit.describe(event)


def test_status_change_is_described_from_and_to(world):
    participation = Participation.objects.get(circle=world.circle, municipality=world.breda)
    participation.status = "interested"
    participation.save()
    services.change_participation_status(participation, "intake", by=world.researcher)
    assert describe_last("participation.status_changed") == (
        "Participation status changed: interested → intake"
    )
    assert "geïnteresseerd → intake" in describe_last("participation.status_changed", "nl")


def test_municipality_change_is_described_with_old_and_new_values(world):
    municipality = world.breda
    municipality.name, municipality.province = "Gemeente Breda", "ZH"
    services.save_municipality(
        municipality, by=world.researcher, circle=world.circle, changed_fields=["name", "province"]
    )
    event = AuditEvent.objects.filter(action="municipality.changed").latest("id")
    assert event.data["changes"]["name"] == ["Breda", "Gemeente Breda"]
    text = describe_last("municipality.changed")
    assert "name: “Breda” → “Gemeente Breda”" in text
    assert "→ Zuid-Holland" in text


def test_circle_change_keeps_old_and_new_dates_and_names_core_questions(world):
    circle = world.circle
    old_end = circle.end_date
    circle.end_date = old_end + datetime.timedelta(days=31)
    core_services.save_circle(circle, by=world.researcher, changed_fields=["end_date"])
    event = AuditEvent.objects.filter(action="circle.changed").latest("id")
    assert event.data["changes"]["end_date"] == [old_end.isoformat(), circle.end_date.isoformat()]
    with translation.override("nl"):
        text = audit.describe(event)
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus"]
    months += ["september", "oktober", "november", "december"]
    assert f"{old_end.day} {months[old_end.month - 1]} {old_end.year} →" in text


def test_meeting_moved_is_described_from_and_to(world):
    meeting = world.meeting
    old_start = meeting.starts_at
    meeting.starts_at += datetime.timedelta(days=7)
    meeting.ends_at += datetime.timedelta(days=7)
    meeting.place = "Stadskantoor"
    meeting_services.save_meeting(meeting, by=world.organiser)
    event = AuditEvent.objects.filter(action="meeting.changed").latest("id")
    assert event.data["changes"]["starts_at"][0] == old_start.isoformat()
    assert set(event.data["fields"]) >= {"starts_at", "ends_at", "place"}
    text = describe_last("meeting.changed")
    assert text.startswith("Meeting changed: starts at: ")
    assert "→" in text and "place: " in text and "“Stadskantoor”" in text


def test_meeting_changes_name_free_text_without_keeping_it(world):
    meeting = world.meeting
    meeting.description = "Een lange beschrijving met namen erin."
    meeting_services.save_meeting(meeting, by=world.organiser)
    event = AuditEvent.objects.filter(action="meeting.changed").latest("id")
    assert event.data["fields"] == ["description"]
    assert "namen" not in str(event.data)
    assert describe_last("meeting.changed") == "Meeting changed: description"


def test_role_and_invitation_events_say_to_whom(world, settings):
    person = UserFactory(email="nieuwe@example.org")
    membership = services.grant_membership(
        person, world.circle, Role.PARTICIPANT, world.breda, by=world.researcher
    )
    assert describe_last("role.granted") == (
        "Role given to nieuwe@example.org: civil servant (Breda)"
    )
    services.remove_membership(membership, by=world.researcher)
    assert describe_last("role.removed") == (
        "Role of nieuwe@example.org removed: civil servant (Breda)"
    )
    invitation = services.invite(
        circle=world.circle,
        email="gast@example.org",
        role=Role.COORDINATOR,
        municipality=world.tilburg,
        by=world.researcher,
    )
    assert describe_last("invitation.sent") == (
        "Invitation sent to gast@example.org as municipal coordinator (Tilburg)"
    )
    services.revoke_invitation(invitation, by=world.researcher)
    assert describe_last("invitation.revoked") == "Invitation to gast@example.org revoked"


def test_revocation_because_of_withdrawal_says_why(world):
    participation = Participation.objects.get(circle=world.circle, municipality=world.breda)
    services.change_participation_status(participation, "withdrawn", by=world.researcher)
    assert describe_last("invitation.revoked") == (
        "Invitation to nieuw@example.org revoked, because the municipality withdrew"
    )


def test_registration_attendance_and_agreement_events(world):
    meeting = MeetingFactory(circle=world.circle)
    meeting_services.register(world.participant, meeting)
    assert describe_last("meeting.registered") == "Registered"
    meeting_services.unregister(world.participant, meeting)
    assert describe_last("meeting.unregistered") == "Registration cancelled (was: registered)"
    past = MeetingFactory(
        circle=world.circle,
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    there = RegistrationFactory(meeting=past, user=world.participant, status="confirmed")
    RegistrationFactory(meeting=past, user=world.coordinator, status="confirmed")
    meeting_services.set_attendance(past, {there.pk}, by=world.organiser)
    assert describe_last("meeting.attendance_recorded") == (
        "Attendance recorded: 1 present, 1 absent"
    )
    meeting_services.close_agreement(world.agreement, by=world.participant)
    assert describe_last("agreement.done") == "Agreement status changed: open → done"


def test_every_recorded_code_is_described():
    """Every `audit.record("…")` in the apps' code has a description (a new event needs one)."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    codes = set()
    for app in ("leerkring", "municipalities", "sessions", "reflections", "publications"):
        for path in (root / app).rglob("*.py"):
            codes |= set(re.findall(r"audit\.record\(\s*\"([a-z_.]+)\"", path.read_text()))
    codes |= set(
        re.findall(r': "([a-z]+\.[a-z_]+)",', (root / "leerkring/receivers.py").read_text())
    )
    assert len(codes) > 30
    assert sorted(code for code in codes if audit.kind_of(code) is None) == []


def test_an_unknown_code_shows_its_code_and_data(world, as_role):
    audit.record("iets.nieuws", actor=world.researcher, circle=world.circle, wat="proef")
    html = as_role("researcher").get(log_url(world)).content.decode()
    assert "<code>iets.nieuws</code>" in html
    assert "wat: proef" in html


def test_old_events_without_the_new_data_still_read(world):
    event = audit.record("invitation.resent", circle=world.circle)
    with translation.override("en"):
        assert audit.describe(event) == "Invitation sent again"
    event = audit.record("meeting.changed", circle=world.circle, fields=["starts_at"])
    event.target_type = "meetings.meeting"
    with translation.override("en"):
        assert audit.describe(event) == "Meeting changed: starts at"


# --- The page: filters, pagination, months, queries ----------------------------------------------


def make_events(world, count: int, start: datetime.datetime | None = None):
    start = start or timezone.now()
    actors = [world.researcher, world.coordinator, world.organiser]
    codes = ["participation.status_changed", "invitation.sent", "meeting.changed", "iets.anders"]
    for number in range(count):
        AuditEvent.objects.create(
            action=codes[number % len(codes)],
            actor=actors[number % len(actors)],
            circle=world.circle,
            target_repr=f"object {number}",
            data={"from": "intake", "to": "participating", "email": "x@example.org"},
            created_at=start - datetime.timedelta(minutes=number),
        )


def test_the_log_shows_dutch_descriptions_and_month_names(world, as_role):
    participation = Participation.objects.get(circle=world.circle, municipality=world.breda)
    services.change_participation_status(participation, "completed", by=world.researcher)
    AuditEvent.objects.filter(action="participation.status_changed").update(
        created_at=datetime.datetime(2026, 11, 23, 14, 5, tzinfo=datetime.UTC)
    )
    response = as_role("researcher").get(log_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "23 november 2026, 15:05:00" in html  # Europe/Amsterdam
    assert "Nov 2026" not in html
    assert "<code>participation.status_changed" not in html
    with translation.override("nl"):
        labels = [str(Participation.Status(s).label) for s in ("participating", "completed")]
    assert f"{labels[0]} → {labels[1]}" in html


def test_the_invitation_table_shows_dutch_month_names(world, as_role):
    from leerkring.models import OutgoingEmail

    email = OutgoingEmail.objects.create(to="nieuw@example.org", subject="s", body="b")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status="sent", sent_at=datetime.datetime(2026, 3, 9, 9, 30, tzinfo=datetime.UTC)
    )
    world.invitation.last_email = email
    world.invitation.save(update_fields=["last_email"])
    html = (
        as_role("researcher")
        .get(reverse("municipalities:participants", args=[world.circle.slug]))
        .content.decode()
    )
    assert "9 maart 2026 10:30" in html
    assert "Mrt" not in html and "Mar" not in html


def test_filters_by_who_what_and_when(world, as_role):
    now = timezone.now()
    make_events(world, 12, start=now)
    client = as_role("researcher")
    html = client.get(log_url(world, wie=world.coordinator.pk)).content.decode()
    assert "object 1<" in html and "object 0<" not in html and "object 4<" in html
    html = client.get(log_url(world, wat="invitation.sent")).content.decode()
    assert "object 1<" in html and "object 5<" in html and "object 2<" not in html
    old = AuditEvent.objects.get(target_repr="object 3")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=10))
    day = timezone.localdate(now - datetime.timedelta(days=10)).isoformat()
    html = client.get(log_url(world, van=day, tot=day)).content.decode()
    assert "object 3<" in html and "object 2<" not in html
    html = client.get(log_url(world, tot=day)).content.decode()
    assert "object 3<" in html and "object 2<" not in html


def test_the_filter_lists_the_people_and_kinds_in_the_log(world, as_role):
    make_events(world, 4)
    html = as_role("researcher").get(log_url(world)).content.decode()
    assert f'<option value="{world.coordinator.pk}">Coordinator (coordinator@example.org)' in html
    assert "participant@example.org" not in html.split('name="wie"')[1].split("</select>")[0]
    assert '<optgroup label="' in html
    assert '<option value="iets.anders">iets.anders</option>' in html  # undescribed, as "Other"
    assert 'value="login.failed"' not in html  # never in a circle's log


def test_bad_filter_input_is_reported_at_its_field(world, as_role):
    make_events(world, 3)
    response = as_role("researcher").get(
        log_url(world, wie="abc", wat="geen.code", van="2026-13-45")
    )
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("wie", "wat", "van"):
        assert f'id="id_{field}_error"' in html
        assert f'aria-describedby="id_{field}_error"' in html
    assert "object 2<" in html  # the log itself still shows


def test_end_before_start_is_reported_at_the_end_date(world, as_role):
    response = as_role("researcher").get(log_url(world, van="2026-05-02", tot="2026-05-01"))
    html = response.content.decode()
    assert 'id="id_tot_error"' in html and 'id="id_van_error"' not in html


def test_pagination_keeps_the_filters(world, as_role):
    make_events(world, 240)
    client = as_role("researcher")
    response = client.get(log_url(world, wat="participation.status_changed"))
    html = response.content.decode()
    assert "60 " in html  # 240 events, every fourth of this kind
    assert "?wat=participation.status_changed&amp;pagina=2" in html
    html = client.get(log_url(world, wat="participation.status_changed", pagina=2)).content
    assert "?wat=participation.status_changed&amp;pagina=1" in html.decode()


# Session, user, circle, membership; the people and the kinds in the log; count and page.
AUDIT_LOG_QUERIES = 8


@pytest.mark.parametrize("params", [{}, {"wat": "invitation.sent", "van": "2020-01-01"}])
def test_the_query_count_does_not_grow_with_the_events(
    world, as_role, django_assert_max_num_queries, params
):
    client = as_role("researcher")
    make_events(world, 5)
    with django_assert_max_num_queries(AUDIT_LOG_QUERIES) as few:
        assert client.get(log_url(world, **params)).status_code == 200
    make_events(world, 120)
    with django_assert_max_num_queries(AUDIT_LOG_QUERIES) as many:
        assert client.get(log_url(world, **params)).status_code == 200
    assert len(many) == len(few)


def test_an_edit_in_another_circle_shows_what_changed_but_not_who_or_where(world, as_role):
    """A municipality's details are shared by its circles; the editor in another circle is a
    stranger to this one, so this circle's log keeps no name, address or circle of theirs."""
    from tests.factories import MembershipFactory, ParticipationFactory

    ParticipationFactory(
        circle=world.other_circle, municipality=world.breda, status="participating"
    )
    stranger = UserFactory(email="geheim-andere-kring@example.org", name="Verre Vreemde")
    MembershipFactory(
        user=stranger, circle=world.other_circle, role=Role.COORDINATOR, municipality=world.breda
    )
    before = world.breda.inhabitants
    world.breda.inhabitants = (before or 0) + 1000
    services.save_municipality(
        world.breda, by=stranger, circle=world.other_circle, changed_fields=["inhabitants"]
    )
    mine = AuditEvent.objects.get(action="municipality.changed", circle=world.circle)
    assert mine.actor is None and mine.actor_email == "" and mine.ip_address is None
    assert "andere-kring" not in str(mine.data)
    theirs = AuditEvent.objects.get(action="municipality.changed", circle=world.other_circle)
    assert theirs.actor == stranger
    html = as_role("researcher").get(reverse("municipalities:audit_log", args=[world.circle.slug]))
    assert html.status_code == 200
    page = html.content.decode()
    assert "in een andere leerkring" in page
    assert "Verre Vreemde" not in page and "geheim-andere-kring" not in page
