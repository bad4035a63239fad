"""Demo meetings: the first circle's half-yearly meetings (with minutes, attendance and
outcomes) and its closing conference, plus two upcoming meetings to register for."""

import datetime
import zoneinfo

from django.utils import timezone

from leerkring.demo import FIRST_CIRCLE_SLUG, DemoContext
from leerkring.models import Circle, CoreQuestion, User
from municipalities.models import Membership, Municipality
from sessions import services
from sessions.models import AgendaItem, Meeting, Outcome, Registration

ZONE = zoneinfo.ZoneInfo("Europe/Amsterdam")

REFLECTION = Meeting.Kind.REFLECTION
# (title, date, host CBS code, kind)
PAST = [
    ("Startbijeenkomst", datetime.date(2017, 9, 28), "GM0855", Meeting.Kind.REFLECTION),
    (
        "Reflectiebijeenkomst voorjaar 2018",
        datetime.date(2018, 3, 15),
        "GM0758",
        Meeting.Kind.REFLECTION,
    ),
    (
        "Reflectiebijeenkomst najaar 2018",
        datetime.date(2018, 9, 20),
        "GM0505",
        Meeting.Kind.REFLECTION,
    ),
    (
        "Reflectiebijeenkomst voorjaar 2019",
        datetime.date(2019, 3, 14),
        "GM0772",
        Meeting.Kind.REFLECTION,
    ),
    ("Slotconferentie", datetime.date(2019, 6, 27), "GM0855", Meeting.Kind.CONFERENCE),
]
MINUTES = """**Opening en kennismaking.** De deelnemers brachten elk een casus mee uit de eigen
praktijk.

Besproken:

- hoe het uitdaagrecht de verhouding tussen initiatiefnemers en beleidsafdelingen verandert;
- wanneer *loslaten* overgaat in *faciliteren*, en wie dat besluit;
- de rol van de raad bij bewonersinitiatieven.
"""


def seed(context: DemoContext) -> None:
    circle = Circle.objects.get(slug=FIRST_CIRCLE_SLUG)
    researcher = User.objects.get(email="onderzoeker@example.org")
    questions = list(CoreQuestion.objects.filter(circle=circle).order_by("number"))
    members = list(
        Membership.objects.filter(circle=circle).select_related("user").order_by("user__email")
    )
    for index, (title, date, host, kind) in enumerate(PAST):
        meeting = _meeting(circle, title, date, host, kind, researcher)
        if meeting is None:
            continue
        for position, question in enumerate(questions[index % 3 :: 3][:2], start=1):
            AgendaItem.objects.create(
                meeting=meeting,
                position=position,
                title=f"Casusbespreking kernvraag {question.number}",
                duration_minutes=60,
                presenter="Wieke Onderzoek",
                core_question=question,
            )
        for number, membership in enumerate(members):
            Registration.objects.create(
                meeting=meeting, user=membership.user, status="confirmed", attended=number % 4 != 0
            )
        Meeting.objects.filter(pk=meeting.pk).update(minutes=MINUTES)
        Outcome.objects.create(
            meeting=meeting,
            kind=Outcome.Kind.CHALLENGE,
            text="Initiatieven lopen vast op regels die voor een andere situatie zijn gemaakt.",
        )
        Outcome.objects.create(
            meeting=meeting,
            kind=Outcome.Kind.SOLUTION,
            text="Een vast aanspreekpunt per initiatief, dat intern de weg vrijmaakt.",
        )
    _agreement(
        circle,
        "Reflectiebijeenkomst voorjaar 2019",
        "ambtenaar@example.org",
        "Casus over het buurtbudget uitwerken voor de slotpublicatie",
        datetime.date(2019, 5, 1),
    )
    now = timezone.localtime()
    for months, title in ((1, "Terugkombijeenkomst"), (6, "Vervolgbijeenkomst")):
        date = (now + datetime.timedelta(days=30 * months)).date()
        meeting = _meeting(circle, title, date, "GM0758", Meeting.Kind.REFLECTION, researcher)
        if meeting is not None:
            Meeting.objects.filter(pk=meeting.pk).update(capacity=12)
            for position, question in enumerate(questions[:2], start=1):
                AgendaItem.objects.create(
                    meeting=meeting,
                    position=position,
                    title=f"Kernvraag {question.number}",
                    duration_minutes=45,
                    core_question=question,
                )


def _meeting(circle, title, date, host, kind, researcher) -> Meeting | None:
    """The meeting, created once; None when it already exists (the seeder runs again)."""
    if Meeting.objects.filter(circle=circle, title=title).exists():
        return None
    starts_at = datetime.datetime.combine(date, datetime.time(13, 30), tzinfo=ZONE)
    return services.save_meeting(
        Meeting(
            circle=circle,
            kind=kind,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=3, minutes=30),
            place="Stadhuis",
            host=Municipality.objects.get(cbs_code=host),
        ),
        by=researcher,
    )


def _agreement(circle, meeting_title, email, text, due) -> None:
    meeting = Meeting.objects.get(circle=circle, title=meeting_title)
    if not Outcome.objects.filter(meeting=meeting, kind=Outcome.Kind.AGREEMENT).exists():
        Outcome.objects.create(
            meeting=meeting,
            kind=Outcome.Kind.AGREEMENT,
            text=text,
            assignee=User.objects.get(email=email),
            due_date=due,
        )
