"""Destructive and mass-notifying actions ask first on a page of their own (GET asks, POST does
it); outcomes and agenda items can be edited; attendance opens at the meeting's start; the
series planner shows its dates before creating them."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from leerkring.models import AuditEvent
from sessions import services
from sessions.models import AgendaItem, Meeting, Outcome
from tests.factories import MeetingFactory, RegistrationFactory, UserFactory


def url(name, world, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"slug": world.circle.slug, **kwargs})


def in_english(client):
    # The new strings are not in the Dutch catalogue until the lead merges it: read English.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- Cancelling a meeting ------------------------------------------------------------------------


def test_cancelling_asks_first_and_says_how_many_people_get_an_email(
    world, as_role, django_capture_on_commit_callbacks
):
    RegistrationFactory(meeting=world.meeting, user=world.participant)
    RegistrationFactory(meeting=world.meeting, user=world.trainer, status="waitlist")
    RegistrationFactory(meeting=world.meeting, user=UserFactory(is_active=False))
    client = in_english(as_role("organiser"))
    page = client.get(url("cancel", world, pk=world.meeting.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 people who registered (waiting list included) get an e-mail" in html
    assert 'method="post"' in html
    world.meeting.refresh_from_db()
    assert not world.meeting.is_cancelled  # looking is not doing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("cancel", world, pk=world.meeting.pk))
    assert response.status_code == 302
    world.meeting.refresh_from_db()
    assert world.meeting.is_cancelled
    assert AuditEvent.objects.filter(action="meeting.cancelled").count() == 1


def test_the_meeting_page_links_to_the_cancel_page_instead_of_a_button(world, as_role):
    html = as_role("organiser").get(url("detail", world, pk=world.meeting.pk)).content.decode()
    cancel = url("cancel", world, pk=world.meeting.pk)
    assert f'href="{cancel}"' in html
    assert f'action="{cancel}"' not in html


def test_cancel_page_for_a_meeting_nobody_registered_for(world, as_role):
    html = in_english(as_role("organiser")).get(url("cancel", world, pk=world.meeting.pk))
    assert "nobody gets an e-mail" in html.content.decode()


def test_nobody_outside_the_planners_sees_the_cancel_page(world, as_role):
    assert as_role("participant").get(url("cancel", world, pk=world.meeting.pk)).status_code == 403


def meeting_data(meeting, **changes):
    # The form has minutes; a factory's meeting has seconds too, which would count as a change.
    meeting.starts_at = meeting.starts_at.replace(second=0, microsecond=0)
    meeting.ends_at = meeting.ends_at.replace(second=0, microsecond=0)
    meeting.save()
    local = timezone.localtime
    return {
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": local(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "place": meeting.place,
        **changes,
    }


def test_moving_a_meeting_asks_first_and_says_how_many_get_the_notice(
    world, as_role, django_capture_on_commit_callbacks
):
    RegistrationFactory(meeting=world.meeting, user=world.participant)
    client = in_english(as_role("organiser"))
    edit = url("edit", world, pk=world.meeting.pk)
    data = meeting_data(world.meeting, place="Chassé Theater")
    page = client.post(edit, data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 person who registered (waiting list included) gets an e-mail" in html
    assert "was Stadhuis, becomes Chassé Theater" in html
    world.meeting.refresh_from_db()
    assert world.meeting.place == "Stadhuis"  # not yet
    back = client.post(edit, {**data, "step": "back"}).content.decode()
    assert 'value="Chassé Theater"' in back and 'name="step" value="confirm"' not in back
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(edit, {**data, "step": "confirm"}).status_code == 302
    world.meeting.refresh_from_db()
    assert world.meeting.place == "Chassé Theater"
    assert world.meeting.changes.get().notified_at is not None


def test_a_change_nobody_hears_about_is_saved_at_once(world, as_role):
    RegistrationFactory(meeting=world.meeting, user=world.participant)
    edit = url("edit", world, pk=world.meeting.pk)
    response = as_role("organiser").post(edit, meeting_data(world.meeting, title="Nieuwe titel"))
    assert response.status_code == 302
    world.meeting.refresh_from_db()
    assert world.meeting.title == "Nieuwe titel"


# --- Agenda items --------------------------------------------------------------------------------


def test_removing_an_agenda_item_asks_first(world, as_role):
    client = as_role("organiser")
    item = world.agenda_item
    remove = url("agenda_item_remove", world, pk=world.meeting.pk, item=item.pk)
    agenda = client.get(url("agenda", world, pk=world.meeting.pk)).content.decode()
    assert f'href="{remove}"' in agenda
    assert 'value="delete"' not in agenda
    page = client.get(remove)
    assert page.status_code == 200 and item.title in page.content.decode()
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    assert client.post(remove).status_code == 302
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert list(world.meeting.agenda_items.values_list("position", flat=True)) == [1]
    event = AuditEvent.objects.get(action="meeting.agenda_item_removed")
    assert event.data["item"] == item.title and event.actor == world.organiser


def test_the_old_one_click_delete_no_longer_removes(world, as_role):
    as_role("organiser").post(
        url("agenda_item", world, pk=world.meeting.pk, item=world.agenda_item.pk),
        {"action": "delete"},
    )
    assert AgendaItem.objects.filter(pk=world.agenda_item.pk).exists()


def test_an_agenda_item_can_be_edited_and_keeps_its_place(world, as_role):
    client = as_role("organiser")
    edit = url("agenda_item_edit", world, pk=world.meeting.pk, item=world.agenda_item.pk)
    assert 'value="' + world.agenda_item.title + '"' in client.get(edit).content.decode()
    response = client.post(
        edit, {"title": "Casus uitdaagrecht", "duration_minutes": "45", "presenter": "Breda"}
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(pk=world.agenda_item.pk)
    assert (item.title, item.duration_minutes, item.presenter, item.position) == (
        "Casus uitdaagrecht",
        45,
        "Breda",
        1,
    )
    event = AuditEvent.objects.get(action="meeting.agenda_item_changed")
    assert set(event.data["fields"]) == {"title", "duration_minutes", "presenter"}


def test_an_agenda_item_of_another_meeting_is_not_found(world, as_role):
    other = MeetingFactory(circle=world.circle)
    response = as_role("organiser").get(
        url("agenda_item_remove", world, pk=other.pk, item=world.agenda_item.pk)
    )
    assert response.status_code == 404


# --- Outcomes ------------------------------------------------------------------------------------


def test_an_outcome_can_be_edited(world, as_role):
    client = as_role("organiser")
    edit = url("outcome_edit", world, pk=world.meeting.pk, outcome=world.agreement.pk)
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "kind": "agreement",
            "text": "Notitie delen",
            "assignee": world.coordinator.pk,
            "due_date": "2030-05-01",
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(pk=world.agreement.pk)
    assert (outcome.text, outcome.assignee, outcome.due_date) == (
        "Notitie delen",
        world.coordinator,
        datetime.date(2030, 5, 1),
    )
    assert AuditEvent.objects.filter(action="meeting.outcome_changed").exists()


def test_an_edited_agreement_still_needs_someone(world, as_role):
    client = as_role("organiser")
    edit = url("outcome_edit", world, pk=world.meeting.pk, outcome=world.agreement.pk)
    response = client.post(edit, {"kind": "agreement", "text": "Niemand"})
    assert response.status_code == 200
    assert 'id="id_assignee_error"' in response.content.decode()
    assert Outcome.objects.get(pk=world.agreement.pk).assignee == world.participant


def test_an_agreement_turned_into_a_solution_loses_its_assignee(world, as_role):
    as_role("organiser").post(
        url("outcome_edit", world, pk=world.meeting.pk, outcome=world.agreement.pk),
        {"kind": "solution", "text": "Een oplossing", "assignee": world.participant.pk},
    )
    outcome = Outcome.objects.get(pk=world.agreement.pk)
    assert (outcome.kind, outcome.assignee) == ("solution", None)


def test_removing_an_outcome_asks_first(world, as_role):
    client = as_role("organiser")
    remove = url("outcome_remove", world, pk=world.meeting.pk, outcome=world.agreement.pk)
    detail = client.get(url("detail", world, pk=world.meeting.pk)).content.decode()
    assert f'href="{remove}"' in detail
    assert client.get(remove).status_code == 200
    assert Outcome.objects.filter(pk=world.agreement.pk).exists()
    assert client.post(remove).status_code == 302
    assert not Outcome.objects.filter(pk=world.agreement.pk).exists()
    event = AuditEvent.objects.get(action="meeting.outcome_removed")
    assert event.data["outcome"] == world.agreement.pk


def test_the_assignee_cannot_edit_or_remove_their_agreement(world, as_role):
    client = as_role("participant")
    for name in ("outcome_edit", "outcome_remove"):
        page = url(name, world, pk=world.meeting.pk, outcome=world.agreement.pk)
        assert client.get(page).status_code == 403
        assert client.post(page).status_code == 403
    assert Outcome.objects.filter(pk=world.agreement.pk).exists()


# --- Attendance ----------------------------------------------------------------------------------


def test_attendance_is_refused_before_the_start(world, as_role):
    registration = RegistrationFactory(meeting=world.meeting, user=world.participant)
    with pytest.raises(services.AttendanceNotOpen):
        services.set_attendance(world.meeting, {registration.pk}, by=world.organiser)
    client = in_english(as_role("organiser"))
    page = client.get(url("attendance", world, pk=world.meeting.pk)).content.decode()
    assert "Attendance can be recorded from the start of the meeting" in page
    assert 'name="present"' not in page
    client.post(url("attendance", world, pk=world.meeting.pk), {"present": [registration.pk]})
    registration.refresh_from_db()
    assert registration.attended is None
    assert not AuditEvent.objects.filter(action="meeting.attendance_recorded").exists()


def test_attendance_opens_at_the_start(world, as_role):
    registration = RegistrationFactory(meeting=world.meeting, user=world.participant)
    with time_machine.travel(world.meeting.starts_at + datetime.timedelta(minutes=1)):
        client = as_role("organiser")
        page = client.get(url("attendance", world, pk=world.meeting.pk)).content.decode()
        assert 'name="present"' in page
        client.post(url("attendance", world, pk=world.meeting.pk), {"present": [registration.pk]})
    registration.refresh_from_db()
    assert registration.attended is True


# --- The series planner --------------------------------------------------------------------------


SERIES = {"title": "Leerkring", "months": ["3", "9"], "day": "15", "start": "13:30", "end": "17:00"}


@pytest.fixture
def series_circle(world):
    # Two years from September 2029: 15 March 2031 is a Saturday.
    world.circle.start_date = datetime.date(2029, 9, 1)
    world.circle.end_date = datetime.date(2031, 8, 31)
    world.circle.save()
    return world


def planned(world):
    return sorted(
        timezone.localtime(m.starts_at).date()
        for m in Meeting.objects.filter(circle=world.circle, title__startswith="Leerkring ")
    )


def test_the_planner_shows_the_dates_first_and_flags_weekends(series_circle, as_role):
    world = series_circle
    client = in_english(as_role("organiser"))
    response = client.post(url("plan_series", world), SERIES)
    assert response.status_code == 200
    assert planned(world) == []  # nothing yet
    html = response.content.decode()
    for date in ("2029-09-15", "2030-03-15", "2030-09-15", "2031-03-15"):
        assert f'value="{date}"' in html
    saturday = re.search(r'<li[^>]*>\s*<input[^>]*value="2031-03-15"[^>]*>.*?</li>', html, re.S)
    assert "Weekend day" in saturday.group(0) and "checked" not in saturday.group(0)
    # 15 September 2029 is a Saturday too; 15 March 2030 a Friday: ticked, no flag.
    friday = re.search(r'<li[^>]*>\s*<input[^>]*value="2030-03-15"[^>]*>.*?</li>', html, re.S)
    assert "checked" in friday.group(0) and "Weekend day" not in friday.group(0)
    # What was typed travels along, for the second step and for going back.
    assert 'type="hidden" name="title" value="Leerkring"' in html


def test_the_planner_creates_only_the_ticked_dates(series_circle, as_role):
    world = series_circle
    client = as_role("organiser")
    response = client.post(
        url("plan_series", world),
        {**SERIES, "step": "confirm", "dates": ["2030-03-15", "2030-09-15", "2031-03-15"]},
    )
    assert response.status_code == 302
    assert planned(world) == [
        datetime.date(2030, 3, 15),
        datetime.date(2030, 9, 15),
        datetime.date(2031, 3, 15),
    ]


def test_the_planner_flags_past_dates(world, as_role):
    world.circle.start_date = datetime.date(2017, 9, 1)
    world.circle.end_date = datetime.date(2019, 8, 31)
    world.circle.save()
    html = in_english(as_role("organiser")).post(url("plan_series", world), SERIES).content.decode()
    assert html.count("In the past") == 4
    assert " checked" not in html.split('name="dates"', 1)[1]
    assert planned(world) == []


def test_going_back_keeps_everything_typed(series_circle, as_role):
    world = series_circle
    data = {**SERIES, "title": "Terugkomdag", "day": "20", "step": "back", "dates": ["2030-03-20"]}
    response = as_role("organiser").post(url("plan_series", world), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Terugkomdag"' in html and 'name="day" value="20"' in html
    assert re.search(r'<input[^>]*name="months"[^>]*value="9"[^>]*checked', html)
    assert Meeting.objects.filter(circle=world.circle).count() == 1  # only the world's meeting


def test_confirming_with_nothing_ticked_creates_nothing(series_circle, as_role):
    world = series_circle
    response = as_role("organiser").post(url("plan_series", world), {**SERIES, "step": "confirm"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert planned(world) == []


def test_a_date_the_planner_would_not_propose_is_never_created(series_circle, as_role):
    world = series_circle
    as_role("organiser").post(
        url("plan_series", world), {**SERIES, "step": "confirm", "dates": ["2035-03-15"]}
    )
    assert planned(world) == []


# --- The meeting forms ---------------------------------------------------------------------------


def test_who_of_an_agreement_does_not_say_optional_and_selects_say_what_empty_means(world, as_role):
    client = in_english(as_role("organiser"))
    html = client.get(url("detail", world, pk=world.meeting.pk)).content.decode()
    label = re.search(r'<label for="id_assignee">(.*?)</label>', html, re.S).group(1)
    assert "optional" not in label and label.strip() == "Who"
    assert "Required for an agreement" in html
    assert "---------" not in html
    assert "Choose the kind of outcome" in html
    agenda = client.get(url("agenda", world, pk=world.meeting.pk)).content.decode()
    assert "---------" not in agenda and "No particular core question" in agenda
    form = client.get(url("edit", world, pk=world.meeting.pk)).content.decode()
    assert "---------" not in form and "No host municipality" in form


# --- The personal calendar feed ------------------------------------------------------------------


def test_calendar_feed_query_count_does_not_grow(world, client, django_assert_num_queries):
    feed = reverse("calendar_feed", args=[world.participant.calendar_token])
    MeetingFactory(circle=world.circle)  # two meetings
    response = client.get(feed)
    assert response.status_code == 200
    with django_assert_num_queries(2) as small:
        assert client.get(feed).status_code == 200
    for _ in range(18):
        meeting = MeetingFactory(circle=world.circle)
        services.save_meeting(meeting, by=world.organiser)  # one change notice each, no more
        meeting.starts_at += datetime.timedelta(hours=1)
        meeting.ends_at += datetime.timedelta(hours=1)
        services.save_meeting(meeting, by=world.organiser)
    assert Meeting.objects.filter(circle=world.circle).count() == 20
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(feed)
    assert response.status_code == 200
    assert response.content.count(b"BEGIN:VEVENT") == 20
    assert response.content.count(b"SEQUENCE:1") == 18


# --- A new calendar feed address -----------------------------------------------------------------


def test_a_new_feed_address_asks_first(world, as_role):
    client = as_role("participant")
    old = world.participant.calendar_token
    page = reverse("calendar_new_address")
    calendar = client.get(reverse("my_calendar")).content.decode()
    assert f'href="{page}"' in calendar and 'value="new_address"' not in calendar
    assert client.get(page).status_code == 200
    world.participant.refresh_from_db()
    assert world.participant.calendar_token == old
    assert client.post(page).status_code == 302
    world.participant.refresh_from_db()
    assert world.participant.calendar_token != old


def test_the_old_one_click_new_address_does_nothing(world, as_role):
    old = world.participant.calendar_token
    as_role("participant").post(reverse("my_calendar"), {"action": "new_address"})
    world.participant.refresh_from_db()
    assert world.participant.calendar_token == old
