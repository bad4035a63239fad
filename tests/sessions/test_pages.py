import csv
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from leerkring.models import AuditEvent
from sessions.models import AgendaItem, Meeting, Outcome, Registration
from tests.factories import MeetingFactory, OutcomeFactory, RegistrationFactory, UserFactory

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def url(name, world, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"slug": world.circle.slug, **kwargs})


def test_organiser_creates_a_meeting(world, as_role):
    client = as_role("organiser")
    response = client.post(
        url("create", world),
        {
            "kind": "reflection",
            "title": "Najaarsbijeenkomst",
            "starts_at": "2030-09-15T13:30",
            "ends_at": "2030-09-15T17:00",
            "place": "Stadhuis Breda",
            "host": world.breda.pk,
            "capacity": "30",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Najaarsbijeenkomst")
    assert meeting.starts_at == datetime.datetime(2030, 9, 15, 13, 30, tzinfo=AMSTERDAM)
    assert meeting.host == world.breda and meeting.circle == world.circle


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("ends_at", {"starts_at": "2030-09-15T13:30", "ends_at": "2030-09-15T12:00"}),
        ("capacity", {"capacity": "-3"}),
    ],
)
def test_bad_meeting_input_is_an_error_on_the_field_and_keeps_the_rest(
    world, as_role, field, values
):
    data = {
        "kind": "reflection",
        "title": "Najaarsbijeenkomst",
        "starts_at": "2030-09-15T13:30",
        "ends_at": "2030-09-15T17:00",
        **values,
    }
    response = as_role("organiser").post(url("create", world), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html
    assert 'value="Najaarsbijeenkomst"' in html
    assert not Meeting.objects.filter(title="Najaarsbijeenkomst").exists()


def test_plan_the_half_yearly_series(world, as_role):
    world.circle.start_date = datetime.date(2017, 9, 1)
    world.circle.end_date = datetime.date(2019, 8, 31)
    world.circle.save()
    data = {
        "title": "Leerkring",
        "months": ["3", "9"],
        "day": "15",
        "start": "13:30",
        "end": "17:00",
    }
    client = as_role("researcher")
    # First the dates, all in the past here and so unticked; nothing is created yet.
    preview = client.post(url("plan_series", world), data)
    assert preview.status_code == 200
    assert not Meeting.objects.filter(title__startswith="Leerkring ").exists()
    dates = ["2017-09-15", "2018-03-15", "2018-09-15", "2019-03-15"]
    for date in dates:
        assert f'value="{date}"' in preview.content.decode()
    response = client.post(url("plan_series", world), {**data, "step": "confirm", "dates": dates})
    assert response.status_code == 302
    dates = sorted(
        timezone.localtime(m.starts_at).date()
        for m in Meeting.objects.filter(circle=world.circle, title__startswith="Leerkring ")
    )
    assert dates == [
        datetime.date(2017, 9, 15),
        datetime.date(2018, 3, 15),
        datetime.date(2018, 9, 15),
        datetime.date(2019, 3, 15),
    ]


def test_civil_servant_registers_and_unregisters_on_the_page(world, as_role):
    client = as_role("participant")
    client.post(url("register", world, pk=world.meeting.pk))
    assert Registration.objects.get(user=world.participant).status == "confirmed"
    page = client.get(url("detail", world, pk=world.meeting.pk)).content.decode()
    assert "Afmelden" in page
    client.post(url("unregister", world, pk=world.meeting.pk))
    assert not Registration.objects.filter(user=world.participant).exists()


def test_another_circles_member_cannot_register(world, as_role):
    response = as_role("outsider").post(url("register", world, pk=world.meeting.pk))
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_agenda_reorders_without_javascript(world, as_role):
    client = as_role("organiser")
    first, second = world.meeting.agenda_items.order_by("position")
    client.post(url("agenda_item", world, pk=world.meeting.pk, item=second.pk), {"action": "up"})
    assert list(world.meeting.agenda_items.order_by("position")) == [second, first]
    client.post(url("agenda_item_remove", world, pk=world.meeting.pk, item=second.pk))
    assert list(
        AgendaItem.objects.filter(meeting=world.meeting).values_list("position", flat=True)
    ) == [1]


def test_registration_csv_for_planners_and_own_municipality_for_coordinators(world, as_role):
    RegistrationFactory(meeting=world.meeting, user=world.participant)  # Breda
    RegistrationFactory(meeting=world.meeting, user=world.trainer)
    rows = list(
        csv.reader(
            io.StringIO(
                as_role("organiser")
                .get(url("registrations_csv", world, pk=world.meeting.pk))
                .content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert rows[0][:2] == ["Naam", "E-mailadres"]
    assert {row[1] for row in rows[1:]} == {"participant@example.org", "trainer@example.org"}
    assert rows[1][:3] == ["Participant", "participant@example.org", "Breda"] or rows[2][:3] == [
        "Participant",
        "participant@example.org",
        "Breda",
    ]
    as_role("organiser").logout()
    coordinator_rows = (
        as_role("coordinator")
        .get(url("registrations_csv", world, pk=world.meeting.pk))
        .content.decode("utf-8-sig")
    )
    assert "participant@example.org" in coordinator_rows
    assert "trainer@example.org" not in coordinator_rows


def test_csv_cells_cannot_smuggle_formulas(world, as_role):
    world.participant.name = '=HYPERLINK("http://evil")'
    world.participant.save()
    RegistrationFactory(meeting=world.meeting, user=world.participant)
    body = (
        as_role("organiser")
        .get(url("registrations_csv", world, pk=world.meeting.pk))
        .content.decode("utf-8-sig")
    )
    assert "'=HYPERLINK" in body
    assert ";=HYPERLINK" not in body


def test_attendance_is_recorded_per_person(world, as_role):
    present = RegistrationFactory(meeting=world.meeting, user=world.participant)
    absent = RegistrationFactory(meeting=world.meeting, user=world.trainer)
    # Attendance opens at the start of the meeting.
    with time_machine.travel(world.meeting.starts_at + datetime.timedelta(hours=1)):
        as_role("organiser").post(
            url("attendance", world, pk=world.meeting.pk), {"present": [present.pk]}
        )
    present.refresh_from_db()
    absent.refresh_from_db()
    assert (present.attended, absent.attended) == (True, False)


def test_minutes_markdown_is_sanitised(world, as_role):
    client = as_role("organiser")
    client.post(
        url("minutes", world, pk=world.meeting.pk),
        {"minutes": "**Besproken**\n\n<script>alert(1)</script>\n\n[link](javascript:alert(1))"},
    )
    html = client.get(url("detail", world, pk=world.meeting.pk)).content.decode()
    assert "<strong>Besproken</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert 'href="javascript:' not in html


def test_open_agreements_show_on_the_next_meeting_and_the_assignees_dashboard(world, as_role):
    later = MeetingFactory(
        circle=world.circle,
        starts_at=world.meeting.starts_at + datetime.timedelta(days=180),
        ends_at=world.meeting.ends_at + datetime.timedelta(days=180),
    )
    world.agreement.text = "Notitie over uitdaagrecht delen"
    world.agreement.save()
    client = as_role("participant")
    assert (
        "Notitie over uitdaagrecht delen"
        in client.get(url("detail", world, pk=later.pk)).content.decode()
    )
    assert "Notitie over uitdaagrecht delen" in client.get("/").content.decode()
    client.post(url("agreement_done", world, pk=world.agreement.pk))
    assert Outcome.objects.get(pk=world.agreement.pk).status == "done"
    assert "Notitie over uitdaagrecht delen" not in client.get("/").content.decode()
    assert AuditEvent.objects.filter(action="agreement.done").exists()


def test_someone_else_cannot_close_an_agreement(world, as_role):
    response = as_role("trainer").post(url("agreement_done", world, pk=world.agreement.pk))
    assert response.status_code == 403
    assert Outcome.objects.get(pk=world.agreement.pk).status == "open"


def test_an_agreement_needs_an_assignee(world, as_role):
    response = as_role("organiser").post(
        url("outcome_add", world, pk=world.meeting.pk), {"kind": "agreement", "text": "Iets doen"}
    )
    assert response.status_code == 400
    assert 'id="id_assignee_error"' in response.content.decode()
    assert not Outcome.objects.filter(text="Iets doen").exists()


def test_meeting_ics_parses_back_with_the_right_times(world, as_role):
    world.meeting.starts_at = datetime.datetime(2030, 3, 15, 13, 30, tzinfo=AMSTERDAM)
    world.meeting.ends_at = datetime.datetime(2030, 3, 15, 17, 0, tzinfo=AMSTERDAM)
    world.meeting.save()
    response = as_role("participant").get(url("ics", world, pk=world.meeting.pk))
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start == datetime.datetime(2030, 3, 15, 12, 30, tzinfo=datetime.UTC)
    assert start.astimezone(AMSTERDAM).hour == 13
    assert event.decoded("dtend").astimezone(AMSTERDAM) == world.meeting.ends_at
    assert str(event["summary"]) == "Voorjaarsbijeenkomst"
    assert str(event["location"]) == "Stadhuis"


def test_personal_feed_lists_all_my_circles_and_dies_with_a_new_token(world, as_role, client):
    other = MeetingFactory(circle=world.other_circle, title="Elders")
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.participant, circle=world.other_circle, role="trainer")
    feed = reverse("calendar_feed", args=[world.participant.calendar_token])
    events = Calendar.from_ical(client.get(feed).content).walk("VEVENT")
    assert {str(e["summary"]) for e in events} == {"Voorjaarsbijeenkomst", other.title}
    as_role("participant").post(reverse("calendar_new_address"))
    assert client.get(feed).status_code == 404


@pytest.mark.django_db
def test_unknown_feed_token_is_a_plain_404(client):
    response = client.get(reverse("calendar_feed", args=["bestaat-niet-" + "x" * 30]))
    assert response.status_code == 404


def test_switch_reminders_off(world, as_role):
    as_role("participant").post(reverse("my_calendar"), {"action": "reminders_off"})
    world.participant.refresh_from_db()
    assert world.participant.meeting_reminders is False


def test_registration_list_query_count_does_not_grow(world, as_role, django_assert_max_num_queries):
    client = as_role("organiser")
    RegistrationFactory(meeting=world.meeting)  # with none, Django skips the prefetch query
    for name in ("registrations", "registrations_csv"):
        page = url(name, world, pk=world.meeting.pk)
        with django_assert_max_num_queries(30) as small:
            client.get(page)
        for _ in range(10):
            RegistrationFactory(meeting=world.meeting)
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get(page)


def test_meeting_page_query_count_does_not_grow(world, as_role, django_assert_max_num_queries):
    client = as_role("organiser")
    page = url("detail", world, pk=world.meeting.pk)
    with django_assert_max_num_queries(30) as small:
        client.get(page)
    for _ in range(20):
        RegistrationFactory(meeting=world.meeting)
        OutcomeFactory(meeting=world.meeting, kind="agreement", assignee=UserFactory())
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(page)


def test_my_calendar_says_when_i_am_on_the_waiting_list(world, as_role):
    RegistrationFactory(meeting=world.meeting, user=world.participant, status="waitlist")
    html = as_role("participant").get(reverse("my_calendar")).content.decode()
    assert "Voorjaarsbijeenkomst" in html
    assert "op de wachtlijst" in html


def test_the_organiser_sees_whether_change_notices_went_out(world, as_role):
    from sessions.models import MeetingChange

    pending = MeetingChange.objects.create(
        meeting=world.meeting, previous_starts_at=world.meeting.starts_at
    )
    page = url("detail", world, pk=world.meeting.pk)
    assert "nog niet verstuurd" in as_role("organiser").get(page).content.decode()
    MeetingChange.objects.filter(pk=pending.pk).update(notified_at=timezone.now())
    assert "nog niet verstuurd" not in as_role("organiser").get(page).content.decode()
    as_role("organiser").logout()
    assert "Berichten aan aangemelde" not in as_role("participant").get(page).content.decode()


def test_series_with_end_before_start_is_an_error_on_the_field(world, as_role):
    response = as_role("organiser").post(
        url("plan_series", world),
        {"title": "Leerkring", "months": ["3"], "day": "15", "start": "17:00", "end": "13:00"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_end_error"' in html
    assert 'value="Leerkring"' in html
    assert not Meeting.objects.filter(title__startswith="Leerkring ").exists()
