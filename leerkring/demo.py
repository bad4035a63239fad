"""Demo data of the core app: the two circles from the source texts and the staff accounts.

`manage.py seed_demo` runs this and every later app's `demo.seed`, in dependency order.

Every date is relative to the day the seeder runs, so the demo always stands in today's time:
the first circle started about fifteen months ago and runs two years, the course runs now. Run
again on a later day, the same objects (found by a stable natural key) move with it.
"""

import calendar
import datetime
import zoneinfo
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.utils import timezone

from leerkring.models import Circle, CoreQuestion, User

ZONE = zoneinfo.ZoneInfo("Europe/Amsterdam")
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = range(5)

DEFAULT_PASSWORD = "leerkring-demo"

FIRST_CIRCLE_SLUG = "ambtelijk-vakmanschap"
COURSE_SLUG = "leergang-democratisch-vakmanschap"


# The core questions of the first circle, from the source text (2017).
CORE_QUESTIONS = [
    "Hoe wordt de verbinding gelegd tussen bewonersparticipatie en de interne processen in de "
    "gemeente?",
    "Hoe kunnen ambtenaren omgaan met spanningen tussen initiatieven en beleid of regelgeving?",
    "Waar liggen de grenzen tussen loslaten, faciliteren en sturen en hoe kies of schakel je als "
    "ambtenaar tussen deze rollen?",
    "Hoe kunnen deze rollen worden ingebed in de bestaande ambtelijke functies?",
    "Hoe combineer en deel je professionele en lokale kennis op een effectieve manier?",
    "Hoe krijgen democratische waarden (gelijkheid en inclusie, verantwoording, deliberatie) "
    "gestalte in de context van maatwerk en initiatief?",
]


@dataclass
class DemoContext:
    """What seeders share: the password for new accounts, the accounts made so far, and how
    many synthetic reflections to add for benchmarks (`seed_demo --reflections N`)."""

    password: str
    reset_passwords: bool = False
    reflections: int = 0
    accounts: list[tuple[str, User]] = field(default_factory=list)

    def account(self, email: str, name: str, role: str, **flags) -> User:
        """Create (or find) a demo account with a verified e-mail address."""
        user, created = User.objects.get_or_create(email=email, defaults={"name": name, **flags})
        # Run again, an older demo gets the current flags (the researcher used to be staff).
        flags = {"is_staff": False, "is_superuser": False, **flags}
        if changed := [key for key, value in flags.items() if getattr(user, key) != value]:
            User.objects.filter(pk=user.pk).update(**flags)
            for key in changed:
                setattr(user, key, flags[key])
        if created or self.reset_passwords:
            user.set_password(self.password)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        self.accounts.append((role, user))
        return user


# --- Dates relative to today -------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate(timezone=ZONE)


def add_months(date: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), or the month's last day if it has fewer."""
    year, month = divmod(date.year * 12 + date.month - 1 + months, 12)
    month += 1
    return datetime.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def on_weekday(date: datetime.date, weekday: int, *, earlier: bool = False) -> datetime.date:
    """The first `weekday` (MONDAY … FRIDAY) on or after `date` (on or before it, if `earlier`),
    a week further when that falls between Christmas and New Year: nobody meets then."""
    if earlier:
        date -= datetime.timedelta(days=(date.weekday() - weekday) % 7)
    else:
        date += datetime.timedelta(days=(weekday - date.weekday()) % 7)
    while (date.month, date.day) >= (12, 24) or (date.month, date.day) == (1, 1):
        date += datetime.timedelta(weeks=-1 if earlier else 1)
    return date


def at(date: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware moment in Amsterdam time."""
    return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=ZONE)


def first_circle_period(day: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The first circle began on the first of the month about fifteen months ago; two years."""
    start = add_months(day or today(), -15).replace(day=1)
    return start, add_months(start, 24) - datetime.timedelta(days=1)


def course_period(day: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The course began on the Monday of the week thirteen weeks ago; nine modules three weeks
    apart, on Tuesdays (one may move a week for Christmas); it ends on the Friday of the week
    after the last one, about twelve weeks ahead."""
    day = day or today()
    start = day - datetime.timedelta(weeks=13)
    start -= datetime.timedelta(days=start.weekday())
    return start, start + datetime.timedelta(weeks=25, days=4)


def seed(context: DemoContext) -> None:
    first_start, first_end = first_circle_period()
    course_start, course_end = course_period()
    Circle.objects.update_or_create(
        slug=FIRST_CIRCLE_SLUG,
        defaults={
            "name": "Ambtelijk vakmanschap in de participatiemaatschappij",
            "kind": Circle.Kind.CIRCLE,
            "start_date": first_start,
            "end_date": first_end,
            "description": (
                "Tweejarige leerkring op zoek naar nieuwe democratische werkvormen in de "
                "faciliterende gemeente. Halfjaarlijkse bijeenkomsten voor gezamenlijke reflectie, "
                "afgesloten met een conferentie en een slotpublicatie."
            ),
            "partners": "Tilburg School of Governance (Tilburg University)\n"
            "Ontwikkelagenda Lokale Democratie",
        },
    )
    Circle.objects.update_or_create(
        slug=COURSE_SLUG,
        defaults={
            "name": "Leergang Democratisch vakmanschap",
            "kind": Circle.Kind.COURSE,
            "start_date": course_start,
            "end_date": course_end,
            "description": (
                "Leergang voor ambtenaren uit de vijf grote steden in negen modules: van publieke "
                "waarden en persoonlijk vakmanschap tot de instrumenten van participatie en "
                "legitimiteit in het speelveld van raad, college, inwoners en ambtelijk apparaat."
            ),
            "partners": "Democratie in Actie\nBerenschot\n"
            "Gemeenten Amsterdam, Den Haag, Groningen, Rotterdam en Utrecht",
        },
    )
    first = Circle.objects.get(slug=FIRST_CIRCLE_SLUG)
    for number, text in enumerate(CORE_QUESTIONS, start=1):
        CoreQuestion.objects.update_or_create(circle=first, number=number, defaults={"text": text})
    context.account(
        "beheerder@example.org",
        "Bea Beheer",
        "platform admin",
        is_staff=True,
        is_superuser=True,
    )
    context.account("onderzoeker@example.org", "Wieke Onderzoek", "researcher")
    context.account("organisator@example.org", "Olaf Organisatie", "organiser")
