import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from sessions import services
from sessions.models import Meeting, Registration
from tests.factories import MeetingFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_register_until_full_then_waiting_list():
    meeting = MeetingFactory(capacity=2)
    first, second, third = UserFactory.create_batch(3)
    assert services.register(first, meeting).status == "confirmed"
    assert services.register(second, meeting).status == "confirmed"
    assert services.register(third, meeting).status == "waitlist"


def test_cancelling_moves_the_first_on_the_waiting_list_up_and_tells_them(
    django_capture_on_commit_callbacks,
):
    meeting = MeetingFactory(capacity=1, title="Voorjaarsbijeenkomst")
    first, second, third = UserFactory.create_batch(3)
    for user in (first, second, third):
        services.register(user, meeting)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.unregister(first, meeting)
    assert promoted.user == second and promoted.status == "confirmed"
    assert Registration.objects.get(user=third).status == "waitlist"
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert "Voorjaarsbijeenkomst" in mail.outbox[0].subject


def test_the_waiting_list_promotion_mail_is_in_the_persons_language(
    django_capture_on_commit_callbacks,
):
    meeting = MeetingFactory(capacity=1, title="Spring meeting")
    first = UserFactory()
    english = UserFactory(language="en")
    services.register(first, meeting)
    services.register(english, meeting)
    with django_capture_on_commit_callbacks(execute=True):
        services.unregister(first, meeting)
    assert mail.outbox[0].subject == "[Leerkring] A seat for you: Spring meeting".removeprefix(
        "[Leerkring] "
    )


@pytest.mark.parametrize(
    "meeting_kwargs",
    [
        {"starts_at": timezone.now() - datetime.timedelta(days=2)},
        {"cancelled_at": timezone.now()},
    ],
    ids=["past", "cancelled"],
)
def test_no_registration_for_past_or_cancelled_meetings(meeting_kwargs):
    meeting = MeetingFactory(**meeting_kwargs)
    with pytest.raises(services.MeetingError):
        services.register(UserFactory(), meeting)
    assert not Registration.objects.exists()


def test_registering_twice_is_an_error():
    meeting = MeetingFactory()
    user = UserFactory()
    services.register(user, meeting)
    with pytest.raises(services.MeetingError):
        services.register(user, meeting)
    assert Registration.objects.count() == 1


def test_unregistering_from_the_waiting_list_promotes_nobody(django_capture_on_commit_callbacks):
    meeting = MeetingFactory(capacity=1)
    RegistrationFactory(meeting=meeting)
    waiting = RegistrationFactory(meeting=meeting, status="waitlist")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.unregister(waiting.user, meeting) is None
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_never_more_registrations_than_seats_under_concurrency():
    """Six people press "register" at the same moment for two seats, each in its own
    transaction on PostgreSQL: the row lock lets exactly two in."""
    meeting = MeetingFactory(capacity=2)
    people = UserFactory.create_batch(6)
    start = threading.Barrier(len(people))
    errors = []

    def press(user):
        try:
            start.wait()
            services.register(user, meeting)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection: give it back

    threads = [threading.Thread(target=press, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    statuses = sorted(Registration.objects.values_list("status", flat=True))
    assert statuses == ["confirmed"] * 2 + ["waitlist"] * 4


def test_raising_the_capacity_moves_people_up(django_capture_on_commit_callbacks):
    meeting = MeetingFactory(capacity=1)
    people = UserFactory.create_batch(3)
    for person in people:
        services.register(person, meeting)
    meeting.capacity = 2
    with django_capture_on_commit_callbacks(execute=True):
        services.save_meeting(meeting, by=UserFactory())
    statuses = [Registration.objects.get(user=p).status for p in people]
    assert statuses == ["confirmed", "confirmed", "waitlist"]
    assert [m.to for m in mail.outbox] == [[people[1].email]]


def test_after_lowering_the_capacity_a_cancellation_does_not_overfill():
    meeting = MeetingFactory(capacity=2)
    people = UserFactory.create_batch(3)
    for person in people:
        services.register(person, meeting)
    meeting.capacity = 1
    services.save_meeting(meeting, by=UserFactory())
    services.unregister(people[0], meeting)
    assert Registration.objects.filter(status="confirmed").count() == 1


def test_nobody_moves_up_for_a_cancelled_meeting(django_capture_on_commit_callbacks):
    meeting = MeetingFactory(capacity=1)
    first, second = UserFactory.create_batch(2)
    services.register(first, meeting)
    services.register(second, meeting)
    services.cancel_meeting(meeting, by=UserFactory())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.unregister(first, Meeting.objects.get(pk=meeting.pk))
    assert Registration.objects.get(user=second).status == "waitlist"
    assert mail.outbox == []


def test_leaving_the_circle_gives_up_seats_at_upcoming_meetings(django_capture_on_commit_callbacks):
    from municipalities import services as circle_services
    from tests.factories import MembershipFactory

    meeting = MeetingFactory(capacity=1)
    leaving = MembershipFactory(circle=meeting.circle, role="trainer")
    waiting = UserFactory()
    services.register(leaving.user, meeting)
    services.register(waiting, meeting)
    researcher = MembershipFactory(circle=meeting.circle, role="researcher").user
    with django_capture_on_commit_callbacks(execute=True):
        circle_services.remove_membership(leaving, by=researcher)
    assert not Registration.objects.filter(user=leaving.user).exists()
    assert Registration.objects.get(user=waiting).status == "confirmed"
