import datetime

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone

from leerkring.demo import ZONE, add_months
from leerkring.models import Circle, User

pytestmark = pytest.mark.django_db


def seed(*args: str, capsys) -> list[str]:
    call_command("seed_demo", *args)
    return capsys.readouterr().out.strip().splitlines()


def test_seed_demo_creates_the_circles_and_prints_one_line_per_account(capsys):
    lines = seed(capsys=capsys)
    assert set(Circle.objects.values_list("name", flat=True)) == {
        "Ambtelijk vakmanschap in de participatiemaatschappij",
        "Leergang Democratisch vakmanschap",
    }
    assert len(lines) == User.objects.count() >= 3
    roles = {line.split("  ")[0].strip(): line.split()[-1] for line in lines}
    assert roles["researcher"] == "onderzoeker@example.org"
    assert roles["organiser"] == "organisator@example.org"
    researcher = User.objects.get(email="onderzoeker@example.org")
    # Researchers work in the circle's pages; only the platform admin uses the Django admin.
    assert not researcher.is_staff and researcher.check_password("leerkring-demo")
    assert User.objects.get(email="beheerder@example.org").is_superuser
    assert EmailAddress.objects.filter(user=researcher, verified=True, primary=True).exists()


def test_seed_demo_is_idempotent(capsys):
    first = seed(capsys=capsys)
    second = seed(capsys=capsys)
    assert first == second
    assert Circle.objects.count() == 2
    assert User.objects.count() == len(first)
    assert EmailAddress.objects.count() == len(first)


def test_seed_demo_password_option_resets_demo_passwords(capsys):
    seed(capsys=capsys)
    seed("--password", "ander-wachtwoord-9", capsys=capsys)
    assert User.objects.get(email="organisator@example.org").check_password("ander-wachtwoord-9")


def test_seed_demo_has_every_role_and_civil_servants_in_three_municipalities(capsys):
    from municipalities.models import Membership, Participation

    lines = seed(capsys=capsys)
    labels = " ".join(lines)
    for role in ("researcher", "organiser", "coordinator", "civil servant", "trainer"):
        assert role in labels
    first = Circle.objects.get(slug="ambtelijk-vakmanschap")
    places = set(
        Membership.objects.filter(circle=first, role="participant").values_list(
            "municipality__name", flat=True
        )
    )
    assert len(places) >= 3
    statuses = set(Participation.objects.filter(circle=first).values_list("status", flat=True))
    assert statuses == {"interested", "intake", "participating", "withdrawn"}
    assert Participation.objects.filter(circle=first).count() == 7


# --- Demo data in today's time ---------------------------------------------------------------


def _counts() -> dict[str, int]:
    from django.apps import apps

    names = [
        "leerkring.User",
        "account.EmailAddress",
        "leerkring.Circle",
        "leerkring.CoreQuestion",
        "leerkring.OutgoingEmail",
        "leerkring.AuditEvent",
        "municipalities.Municipality",
        "municipalities.Participation",
        "municipalities.StatusChange",
        "municipalities.Membership",
        "municipalities.Invitation",
        "meetings.Meeting",
        "meetings.AgendaItem",
        "meetings.Registration",
        "meetings.Outcome",
        "meetings.MeetingChange",
    ]
    return {name: apps.get_model(name).objects.count() for name in names}


def _meeting_dates() -> dict[str, datetime.datetime]:
    from sessions.models import Meeting

    return dict(Meeting.objects.values_list("title", "starts_at"))


def test_seed_demo_again_later_moves_the_dates_and_makes_nothing_twice(
    capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seed(capsys=capsys)
    counts, dates = _counts(), _meeting_dates()
    with django_capture_on_commit_callbacks(execute=True):
        seed(capsys=capsys)
    assert _counts() == counts
    assert _meeting_dates() == dates

    with time_machine.travel(timezone.now() + datetime.timedelta(days=31), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            seed(capsys=capsys)
        assert _counts() == counts  # no change notices, no e-mails, no audit rows either
        later = _meeting_dates()
        assert later.keys() == dates.keys()
        for title, starts_at in later.items():
            moved = (starts_at - dates[title]).days
            assert 24 <= moved <= 38, (title, moved)
        first = Circle.objects.get(slug="ambtelijk-vakmanschap")
        assert first.start_date == add_months(timezone.localdate(), -15).replace(day=1)
        _assert_demo_in_todays_time()


def test_seed_demo_stands_in_todays_time(capsys):
    seed(capsys=capsys)
    _assert_demo_in_todays_time()


def _assert_demo_in_todays_time() -> None:
    from municipalities.models import Invitation
    from sessions.models import Meeting, Outcome, Registration

    now, today = timezone.now(), timezone.localdate(timezone=ZONE)
    first = Circle.objects.get(slug="ambtelijk-vakmanschap")
    course = Circle.objects.get(slug="leergang-democratisch-vakmanschap")
    months_ago = (today.year - first.start_date.year) * 12 + today.month - first.start_date.month
    assert months_ago == 15 and first.start_date.day == 1
    assert first.end_date == add_months(first.start_date, 24) - datetime.timedelta(days=1)
    assert course.start_date < today - datetime.timedelta(weeks=8)
    assert today + datetime.timedelta(weeks=8) < course.end_date

    for meeting in Meeting.objects.select_related("circle"):
        local = timezone.localtime(meeting.starts_at, ZONE)
        assert local.weekday() < 5, (meeting.title, local)
        assert meeting.circle.start_date <= local.date() <= meeting.circle.end_date, meeting.title

    meetings = Meeting.objects.filter(circle=first)
    past = [m for m in meetings if m.ends_at <= now]
    upcoming = [m for m in meetings if m.starts_at > now]
    assert len(past) >= 3 and len(upcoming) >= 3
    recorded = [m for m in past if m.minutes and m.registrations.filter(attended=True).exists()]
    assert len(recorded) >= 3
    assert [
        m.title
        for m in past
        if not m.minutes and not m.registrations.exclude(attended=None).exists()
    ] == ["Intervisie: casussen uit Breda en Tilburg"]
    assert any(m.agenda_items.exists() for m in upcoming)
    assert [m.title for m in upcoming if not m.agenda_items.exists()] == [
        "Vierde reflectiebijeenkomst"
    ]
    full = meetings.get(title="Terugkombijeenkomst")
    confirmed = full.registrations.filter(status=Registration.Status.CONFIRMED).count()
    assert confirmed == full.capacity
    assert full.registrations.filter(status=Registration.Status.WAITLIST).count() == 1
    bram = User.objects.get(email="bram.breda@example.org")
    assert not full.registrations.filter(user=bram).exists()  # for Breda's coordinator

    anna = User.objects.get(email="ambtenaar@example.org")
    registered = {m.title for m in upcoming if m.registrations.filter(user=anna).exists()}
    assert "Terugkombijeenkomst" in registered
    assert "Vierde reflectiebijeenkomst" not in registered
    open_ones = Outcome.objects.open_agreements().filter(assignee=anna)
    assert open_ones.filter(due_date__lt=today).count() == 1
    assert open_ones.filter(due_date__gte=today).count() == 1
    agreements = Outcome.objects.filter(meeting__circle=first, kind=Outcome.Kind.AGREEMENT)
    assert agreements.filter(status=Outcome.Status.DONE).count() >= 2
    for agreement in agreements:
        assert agreement.due_date >= timezone.localtime(agreement.meeting.starts_at, ZONE).date()

    pending = Invitation.objects.filter(
        circle=first, municipality__cbs_code="GM0758", status=Invitation.Status.PENDING
    )
    assert pending.count() == 2
    assert all(not invitation.is_expired for invitation in pending)

    modules = Meeting.objects.filter(circle=course)
    assert modules.count() == 9
    assert set(modules.values_list("kind", flat=True)) == {Meeting.Kind.MODULE}
    trainer = User.objects.get(email="trainer@example.org")
    assert all(m.registrations.filter(user=trainer).exists() for m in modules)
    assert all(m.agenda_items.filter(presenter="Roeland Trainer").exists() for m in modules)
    assert modules.filter(ends_at__lte=now).count() >= 3
    assert modules.filter(starts_at__gt=now).count() >= 3


def test_seed_demo_replaces_the_meetings_of_the_old_demo_once(capsys):
    from sessions.models import Meeting

    seed(capsys=capsys)
    first = Circle.objects.get(slug="ambtelijk-vakmanschap")
    count = Meeting.objects.count()
    old = datetime.datetime(2018, 3, 15, 13, 30, tzinfo=ZONE)
    Meeting.objects.create(
        circle=first,
        title="Reflectiebijeenkomst voorjaar 2018",
        starts_at=old,
        ends_at=old + datetime.timedelta(hours=3),
    )
    Meeting.objects.filter(circle=first, title="Startbijeenkomst").update(starts_at=old)
    seed(capsys=capsys)
    assert Meeting.objects.count() == count
    assert not Meeting.objects.filter(starts_at__year=2018).exists()


@pytest.mark.django_db(databases=[])
def test_demo_dates_hold_on_every_day_of_a_year():
    """Whatever day seed_demo runs, meetings are on weekdays outside the Christmas break, within
    their circle's period, and the past ones are past and the upcoming ones upcoming."""
    from leerkring.demo import course_period, first_circle_period
    from sessions.demo import course_plans, first_circle_plans

    past_titles = {
        "Startbijeenkomst",
        "Tweede reflectiebijeenkomst",
        "Derde reflectiebijeenkomst",
        "Intervisie: casussen uit Breda en Tilburg",
    }
    day = datetime.date(2027, 1, 1)
    for offset in range(366):
        moment = datetime.datetime.combine(
            day + datetime.timedelta(days=offset), datetime.time(12), tzinfo=ZONE
        )
        with time_machine.travel(moment, tick=False):
            today, now = timezone.localdate(timezone=ZONE), timezone.now()
            for (start, end), plans in (
                (first_circle_period(today), first_circle_plans(today, [])),
                (course_period(today), course_plans(today)),
            ):
                for plan in plans:
                    assert plan.date.weekday() < 5, (today, plan.title)
                    assert not (plan.date.month == 12 and plan.date.day >= 24), (today, plan)
                    assert start <= plan.date <= end, (today, plan.title)
            for plan in first_circle_plans(today, []):
                assert (plan.ends_at <= now) == (plan.title in past_titles), (today, plan.title)
            modules = course_plans(today)
            assert len({plan.date for plan in modules}) == 9
            assert sum(plan.ends_at <= now for plan in modules) >= 3
            assert sum(plan.starts_at > now for plan in modules) >= 3
