"""Reminders 7 days and 1 day before, sent once, with the meeting as it is at sending time."""

import datetime

import pytest
import time_machine
from django.core import mail

from leerkring.models import OutgoingEmail
from sessions import services
from sessions.models import Meeting, ReminderSent
from tests.factories import MeetingFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db
AMSTERDAM = datetime.timezone(datetime.timedelta(hours=1))  # CET, as in March
START = datetime.datetime(2027, 3, 15, 13, 30, tzinfo=AMSTERDAM)


@pytest.fixture
def meeting():
    return MeetingFactory(
        title="Voorjaarsbijeenkomst", starts_at=START, ends_at=START + datetime.timedelta(hours=3)
    )


def run_at(moment, django_capture_on_commit_callbacks) -> int:
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        return services.send_due_reminders()


def test_week_and_day_reminders_each_go_out_once(meeting, django_capture_on_commit_callbacks):
    registration = RegistrationFactory(meeting=meeting)
    RegistrationFactory(meeting=meeting, status="waitlist")  # only registered people
    too_early = START - datetime.timedelta(days=8)
    assert run_at(too_early, django_capture_on_commit_callbacks) == 0
    week = START - datetime.timedelta(days=6, hours=23)
    assert run_at(week, django_capture_on_commit_callbacks) == 1
    assert run_at(week + datetime.timedelta(minutes=15), django_capture_on_commit_callbacks) == 0
    day = START - datetime.timedelta(hours=20)
    assert run_at(day, django_capture_on_commit_callbacks) == 1
    assert run_at(day + datetime.timedelta(hours=1), django_capture_on_commit_callbacks) == 0
    assert [m.subject for m in mail.outbox] == [
        "Over een week: Voorjaarsbijeenkomst",
        "Morgen: Voorjaarsbijeenkomst",
    ]
    assert all(m.to == [registration.user.email] for m in mail.outbox)


def test_the_reminder_shows_the_latest_time(meeting, django_capture_on_commit_callbacks):
    RegistrationFactory(meeting=meeting)
    moved = START + datetime.timedelta(days=1, hours=1)  # Tuesday 16 March, 14:30
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=moved, ends_at=moved + datetime.timedelta(hours=2)
    )
    run_at(moved - datetime.timedelta(hours=20), django_capture_on_commit_callbacks)
    assert "dinsdag 16 maart 2027, 14:30" in mail.outbox[-1].body


def test_a_moved_meeting_gets_a_change_notice_and_new_reminders(
    meeting, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(meeting=meeting)
    run_at(START - datetime.timedelta(days=6, hours=1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    organiser = UserFactory()
    moment = START - datetime.timedelta(days=5)
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        meeting.starts_at = START + datetime.timedelta(days=7)
        meeting.ends_at = meeting.starts_at + datetime.timedelta(hours=3)
        services.save_meeting(meeting, by=organiser)
    assert mail.outbox[1].subject == "Gewijzigd: Voorjaarsbijeenkomst"
    assert "maandag 22 maart 2027, 13:30" in mail.outbox[1].body
    assert "maandag 15 maart 2027, 13:30" in mail.outbox[1].body  # what it was
    # The new date gets its own week reminder.
    run_at(START + datetime.timedelta(hours=12), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    assert ReminderSent.objects.filter(registration=registration, kind="week").count() == 2


def test_a_rerun_after_a_run_that_stopped_half_way_sends_nothing_twice(
    meeting, django_capture_on_commit_callbacks
):
    """Each reminder commits with its record. A run that died after two of six reminders
    leaves exactly those two behind; the next run sends the other four, nothing twice."""
    registrations = [RegistrationFactory(meeting=meeting) for _person in range(6)]
    moment = START - datetime.timedelta(hours=20)
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        for registration in registrations[:2]:  # what the run got done before it died
            services.send_reminder(registration, ReminderSent.Kind.DAY)
    assert run_at(moment + datetime.timedelta(minutes=15), django_capture_on_commit_callbacks) == 4
    assert len(mail.outbox) == 6
    assert len({tuple(m.to) for m in mail.outbox}) == 6
    assert OutgoingEmail.objects.count() == ReminderSent.objects.count() == 6


def test_reminders_can_be_switched_off(meeting, django_capture_on_commit_callbacks):
    RegistrationFactory(meeting=meeting, user=UserFactory(meeting_reminders=False))
    assert run_at(START - datetime.timedelta(hours=20), django_capture_on_commit_callbacks) == 0


def test_cancelled_meetings_get_no_reminders_but_a_notice(
    meeting, django_capture_on_commit_callbacks
):
    RegistrationFactory(meeting=meeting)
    moment = START - datetime.timedelta(days=3)
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting, by=UserFactory())
    assert mail.outbox[0].subject == "Geannuleerd: Voorjaarsbijeenkomst"
    assert run_at(START - datetime.timedelta(hours=20), django_capture_on_commit_callbacks) == 0


def test_a_change_notice_goes_out_once_even_if_the_task_runs_twice(
    meeting, django_capture_on_commit_callbacks
):
    from sessions.models import MeetingChange

    RegistrationFactory(meeting=meeting)
    change = MeetingChange.objects.create(meeting=meeting, previous_starts_at=START)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_change_notice(change.pk) == 1
        assert services.send_change_notice(change.pk) == 0
    assert len(mail.outbox) == 1


def test_english_reminders_for_english_speakers(meeting, django_capture_on_commit_callbacks):
    RegistrationFactory(meeting=meeting, user=UserFactory(language="en"))
    run_at(START - datetime.timedelta(hours=20), django_capture_on_commit_callbacks)
    assert mail.outbox[0].subject == "Tomorrow: Voorjaarsbijeenkomst"
    assert "Monday 15 March 2027, 13:30" in mail.outbox[0].body


def test_reminder_run_query_count_is_bounded(django_assert_max_num_queries):
    """Pinned here; bench/reminders.py measures the full 100 × 50 case."""
    meetings = [
        MeetingFactory(
            starts_at=START + datetime.timedelta(hours=h),
            ends_at=START + datetime.timedelta(hours=h + 1),
        )
        for h in range(3)
    ]
    for meeting in meetings:
        for _ in range(4):
            RegistrationFactory(meeting=meeting)
    moment = START - datetime.timedelta(hours=20)
    with time_machine.travel(moment, tick=False), django_assert_max_num_queries(150) as captured:
        services.send_due_reminders()
    per_reminder = (len(captured.captured_queries) - 6) / 12
    assert per_reminder <= 8


def test_a_small_move_does_not_send_the_same_reminder_again(
    meeting, django_capture_on_commit_callbacks
):
    RegistrationFactory(meeting=meeting)
    moment = START - datetime.timedelta(days=6, hours=12)
    run_at(moment, django_capture_on_commit_callbacks)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=START + datetime.timedelta(minutes=30),
        ends_at=START + datetime.timedelta(hours=3, minutes=30),
    )
    assert run_at(moment + datetime.timedelta(hours=1), django_capture_on_commit_callbacks) == 0


def test_no_late_reminders_with_untrue_wording(meeting, django_capture_on_commit_callbacks):
    """Registered two days before: no "in a week"; two hours before: no "tomorrow"."""
    RegistrationFactory(meeting=meeting)
    assert run_at(START - datetime.timedelta(days=2), django_capture_on_commit_callbacks) == 0
    assert run_at(START - datetime.timedelta(hours=2), django_capture_on_commit_callbacks) == 0


def test_subjects_are_plain_text(django_capture_on_commit_callbacks):
    meeting = MeetingFactory(
        title='R&D "live"', starts_at=START, ends_at=START + datetime.timedelta(hours=2)
    )
    RegistrationFactory(meeting=meeting)
    run_at(START - datetime.timedelta(hours=20), django_capture_on_commit_callbacks)
    assert mail.outbox[0].subject == 'Morgen: R&D "live"'
