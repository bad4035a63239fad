"""Demo meetings, in today's time.

The first circle: its half-yearly reflection meetings so far (with minutes, attendance and
outcomes; agreements done, open and overdue, open and due later), a recent meeting whose minutes
and attendance are still to be recorded, and what is ahead: a return meeting with an agenda that is
full (with a waiting list), the fourth reflection meeting still without an agenda, and the closing
conference. The course: nine training modules three weeks apart, the trainer presenting each, about
half of them behind us.

Each meeting is found again by its circle and title; a later run moves its dates and leaves
everything people did with it alone. Moving the whole demo in time is not a change anyone needs
to hear about, so dates are updated without change notices.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from leerkring.demo import (
    COURSE_SLUG,
    FIRST_CIRCLE_SLUG,
    FRIDAY,
    THURSDAY,
    TUESDAY,
    DemoContext,
    add_months,
    at,
    course_period,
    first_circle_period,
    on_weekday,
    today,
)
from leerkring.models import Circle, CoreQuestion, User
from municipalities.models import Membership, Municipality
from sessions import services
from sessions.models import AgendaItem, Meeting, Outcome, Registration

ORGANISER = "organisator@example.org"
RESEARCHER_NAME = "Wieke Onderzoek"
TRAINER = "trainer@example.org"
TRAINER_NAME = "Roeland Trainer"

MINUTES = """**Opening en kennismaking.** De deelnemers brachten elk een casus mee uit de eigen
praktijk.

Besproken:

- hoe het uitdaagrecht de verhouding tussen initiatiefnemers en beleidsafdelingen verandert;
- wanneer *loslaten* overgaat in *faciliteren*, en wie dat besluit;
- de rol van de raad bij bewonersinitiatieven.
"""
MODULE_MINUTES = """**Terugblik op de module.** {trainer} leidde de oefeningen; de deelnemers
werkten in tweetallen aan een casus uit de eigen stad.

- Wat werkte: oefenen met echte casussen, elkaar bevragen.
- Voor de volgende keer: een voorbeeld meenemen van een participatietraject dat vastliep.
"""

CHALLENGE = "Initiatieven lopen vast op regels die voor een andere situatie zijn gemaakt."
SOLUTION = "Een vast aanspreekpunt per initiatief, dat intern de weg vrijmaakt."

# The meetings of the demo before it was set in today's time (2017-2019). A database seeded
# then still has them; they are replaced once, as a whole, by the meetings below.
LEGACY_MARKER = "Reflectiebijeenkomst voorjaar 2018"
LEGACY_TITLES = [
    "Startbijeenkomst",
    "Reflectiebijeenkomst voorjaar 2018",
    "Reflectiebijeenkomst najaar 2018",
    "Reflectiebijeenkomst voorjaar 2019",
    "Slotconferentie",
    "Terugkombijeenkomst",
    "Vervolgbijeenkomst",
]


@dataclass
class Agreement:
    text: str
    assignee: str
    due: datetime.date
    done: bool = False


@dataclass
class Plan:
    """One demo meeting. `past` meetings get registrations of the given people (attendance
    only when `attendance`), upcoming ones registrations through the service, in order, so a
    meeting with a capacity fills up and then puts people on its waiting list."""

    title: str
    kind: str
    date: datetime.date
    host: str  # CBS code
    start: tuple[int, int] = (13, 30)
    end: tuple[int, int] = (17, 0)
    capacity: int | None = None
    description: str = ""
    agenda: list[tuple[str, int, str, int | None]] = field(default_factory=list)
    registered: list[str] = field(default_factory=list)
    attendance: bool = True
    minutes: str = ""
    outcomes: bool = False
    agreements: list[Agreement] = field(default_factory=list)

    @property
    def starts_at(self) -> datetime.datetime:
        return at(self.date, *self.start)

    @property
    def ends_at(self) -> datetime.datetime:
        return at(self.date, *self.end)


FIRST_CIRCLE_PEOPLE = [
    "contact.breda@example.org",
    "ambtenaar@example.org",
    "bram.breda@example.org",
    "contact.tilburg@example.org",
    "fatima.tilburg@example.org",
    "joost.tilburg@example.org",
    "contact.dordrecht@example.org",
    "sanne.dordrecht@example.org",
    "emre.eindhoven@example.org",
]
COURSE_PEOPLE = [
    TRAINER,
    "contact.rotterdam@example.org",
    "lotte.rotterdam@example.org",
    "mohamed.denhaag@example.org",
]
MODULES = [
    ("Module 1: Hoe word ik een goede trainer?", "GM0599"),
    ("Module 2: Publieke waarde realiseren", "GM0363"),
    ("Module 3: Persoonlijk vakmanschap", "GM0518"),
    ("Module 4: Wie doet er mee? Inclusie in participatie", "GM0344"),
    ("Module 5: De instrumenten van participatie", "GM0014"),
    ("Module 6: Digitale participatie", "GM0599"),
    ("Module 7: De rol van de raad", "GM0363"),
    ("Module 8: Legitimiteit in het speelveld", "GM0518"),
    ("Module 9: Terugblik en borging in de eigen organisatie", "GM0344"),
]
MODULE_WEEKS_APART = 3
MODULE_HOURS = ((9, 30), (16, 0))


def first_circle_plans(day: datetime.date, questions: list[CoreQuestion]) -> list[Plan]:
    start, end = first_circle_period(day)
    week = datetime.timedelta(weeks=1)

    def agenda(*numbers: int, minutes: int = 60) -> list:
        chosen = [q for q in questions if q.number in numbers]
        return [
            (f"Casusbespreking kernvraag {q.number}", minutes, RESEARCHER_NAME, q.number)
            for q in chosen
        ]

    first = on_weekday(start + 3 * week, THURSDAY)
    second = on_weekday(add_months(start, 6) + 2 * week, THURSDAY)
    third = on_weekday(add_months(start, 12) + 2 * week, THURSDAY)
    return [
        Plan(
            "Startbijeenkomst",
            Meeting.Kind.REFLECTION,
            first,
            "GM0855",
            agenda=agenda(1, 4),
            registered=[ORGANISER, *FIRST_CIRCLE_PEOPLE],
            minutes=MINUTES,
            outcomes=True,
            agreements=[
                Agreement(
                    "Elke gemeente brengt een casus in voor de tweede bijeenkomst",
                    "contact.tilburg@example.org",
                    first + 5 * week,
                    done=True,
                )
            ],
        ),
        Plan(
            "Tweede reflectiebijeenkomst",
            Meeting.Kind.REFLECTION,
            second,
            "GM0758",
            agenda=agenda(2, 5),
            registered=[ORGANISER, *FIRST_CIRCLE_PEOPLE],
            minutes=MINUTES,
            outcomes=True,
            agreements=[
                Agreement(
                    "Casus over het buurtbudget uitwerken voor de slotpublicatie",
                    "ambtenaar@example.org",
                    day - 5 * week,
                ),
                Agreement(
                    "Overzicht delen van regels die initiatieven in de weg zitten",
                    "sanne.dordrecht@example.org",
                    second + 6 * week,
                    done=True,
                ),
            ],
        ),
        Plan(
            "Derde reflectiebijeenkomst",
            Meeting.Kind.REFLECTION,
            third,
            "GM0505",
            agenda=agenda(3, 6),
            registered=[ORGANISER, *FIRST_CIRCLE_PEOPLE[:-1]],
            minutes=MINUTES,
            outcomes=True,
            agreements=[
                Agreement(
                    "Verslag van het gesprek met de raadscommissie delen",
                    "ambtenaar@example.org",
                    day + 3 * week,
                ),
                Agreement(
                    "Interne notitie over het uitdaagrecht rondsturen",
                    "bram.breda@example.org",
                    day - week,
                ),
                Agreement(
                    "Contactpersonen voor initiatiefnemers in kaart brengen",
                    "fatima.tilburg@example.org",
                    third + 4 * week,
                    done=True,
                ),
            ],
        ),
        # Held, but nobody has recorded the minutes or who came: the organiser's next task.
        Plan(
            "Intervisie: casussen uit Breda en Tilburg",
            Meeting.Kind.REFLECTION,
            on_weekday(day - datetime.timedelta(days=6), TUESDAY, earlier=True),
            "GM0758",
            start=(14, 0),
            end=(16, 30),
            agenda=agenda(2, minutes=90),
            registered=FIRST_CIRCLE_PEOPLE[:6],
            attendance=False,
        ),
        Plan(
            "Terugkombijeenkomst",
            Meeting.Kind.REFLECTION,
            on_weekday(day + 4 * week, THURSDAY),
            "GM0758",
            capacity=7,
            agenda=agenda(1, 2, minutes=45),
            # Seven seats: the eighth waits. Bram has not signed up: Breda's coordinator sees it.
            registered=[p for p in FIRST_CIRCLE_PEOPLE if p != "bram.breda@example.org"],
        ),
        # No agenda yet: something for the organisers to do.
        Plan(
            "Vierde reflectiebijeenkomst",
            Meeting.Kind.REFLECTION,
            on_weekday(add_months(start, 18) + 2 * week, THURSDAY),
            "GM0772",
            registered=[
                "contact.tilburg@example.org",
                "fatima.tilburg@example.org",
                "sanne.dordrecht@example.org",
            ],
        ),
        Plan(
            "Slotconferentie",
            Meeting.Kind.CONFERENCE,
            on_weekday(end - 6 * week, FRIDAY),
            "GM0855",
            start=(10, 0),
            end=(16, 0),
            capacity=80,
            description="Presentatie van de slotpublicatie, met bestuurders en raadsleden van "
            "de deelnemende gemeenten.",
            agenda=[
                ("Opening en terugblik op twee jaar leerkring", 30, RESEARCHER_NAME, None),
                ("Presentatie van de slotpublicatie", 60, RESEARCHER_NAME, None),
                ("Gesprek met bestuurders en raadsleden", 90, "", None),
            ],
            registered=[
                "contact.breda@example.org",
                "contact.tilburg@example.org",
                "joost.tilburg@example.org",
            ],
        ),
    ]


def course_plans(day: datetime.date) -> list[Plan]:
    start, _end = course_period(day)
    first_module = on_weekday(start, TUESDAY)
    dates = [
        on_weekday(first_module + datetime.timedelta(weeks=MODULE_WEEKS_APART * index), TUESDAY)
        for index in range(len(MODULES))
    ]
    now = timezone.now()
    next_one = next(index for index, date in enumerate(dates) if at(date, *MODULE_HOURS[0]) > now)
    plans = []
    for index, ((title, host), date) in enumerate(zip(MODULES, dates, strict=True)):
        past = index < next_one
        # The most recent module still needs its attendance and minutes.
        recorded = index < next_one - 1
        if past:
            registered = [ORGANISER, *COURSE_PEOPLE]
        elif index == next_one:
            registered = COURSE_PEOPLE[:3]  # not everyone has signed up for the next one yet
        else:
            registered = [TRAINER]  # the trainer is on every module
        plans.append(
            Plan(
                title,
                Meeting.Kind.MODULE,
                date,
                host,
                start=MODULE_HOURS[0],
                end=MODULE_HOURS[1],
                capacity=25,
                agenda=[
                    ("Inleiding en theorie", 60, TRAINER_NAME, None),
                    ("Oefenen met casussen uit de eigen stad", 150, TRAINER_NAME, None),
                    ("Terugblik en huiswerk", 30, TRAINER_NAME, None),
                ],
                registered=registered,
                attendance=recorded,
                minutes=MODULE_MINUTES.format(trainer=TRAINER_NAME) if recorded else "",
                agreements=(
                    [
                        Agreement(
                            "Oefencasussen van deze module delen met de deelnemers",
                            TRAINER,
                            day + datetime.timedelta(days=4),
                        )
                    ]
                    if index == next_one - 2
                    else []
                ),
            )
        )
    return plans


def seed(context: DemoContext) -> None:
    day = today()
    organiser = User.objects.get(email=ORGANISER)
    first = Circle.objects.get(slug=FIRST_CIRCLE_SLUG)
    course = Circle.objects.get(slug=COURSE_SLUG)
    if Meeting.objects.filter(circle=first, title=LEGACY_MARKER).exists():
        Meeting.objects.filter(circle=first, title__in=LEGACY_TITLES).delete()
    questions = list(CoreQuestion.objects.filter(circle=first).order_by("number"))
    for circle, plans in (
        (first, first_circle_plans(day, questions)),
        (course, course_plans(day)),
    ):
        members = {
            m.user.email: m.user
            for m in Membership.objects.filter(circle=circle).select_related("user")
        }
        for plan in plans:
            _seed_meeting(circle, plan, members, questions, organiser)


def _seed_meeting(circle, plan: Plan, members: dict, questions, organiser: User) -> None:
    meeting = Meeting.objects.filter(circle=circle, title=plan.title).first()
    if meeting is not None:
        if (meeting.starts_at, meeting.ends_at) != (plan.starts_at, plan.ends_at):
            Meeting.objects.filter(pk=meeting.pk).update(
                starts_at=plan.starts_at, ends_at=plan.ends_at
            )
            meeting.starts_at, meeting.ends_at = plan.starts_at, plan.ends_at
        _agreements(meeting, plan, members, organiser)
        return

    host = Municipality.objects.get(cbs_code=plan.host)
    meeting = services.save_meeting(
        Meeting(
            circle=circle,
            kind=plan.kind,
            title=plan.title,
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
            place=f"Stadhuis {host.name}",
            host=host,
            capacity=plan.capacity,
            description=plan.description,
            minutes=plan.minutes,
        ),
        by=organiser,
    )
    by_number = {q.number: q for q in questions}
    for title, minutes, presenter, number in plan.agenda:
        services.add_agenda_item(
            meeting,
            AgendaItem(
                title=title,
                duration_minutes=minutes,
                presenter=presenter,
                core_question=by_number.get(number),
            ),
        )
    people = [members[email] for email in plan.registered if email in members]
    if meeting.has_started:
        # The registration service refuses meetings that have started; these were made then.
        signed_up = plan.starts_at - datetime.timedelta(weeks=3)
        registrations = [
            Registration.objects.create(
                meeting=meeting,
                user=user,
                status=Registration.Status.CONFIRMED,
                created_at=signed_up,
            )
            for user in people
        ]
        if plan.attendance:
            # Every fourth person was not there.
            present = {r.pk for number, r in enumerate(registrations) if number % 4 != 3}
            services.set_attendance(meeting, present, by=organiser)
    else:
        for user in people:
            services.register(user, meeting)
    if plan.outcomes:
        for kind, text in ((Outcome.Kind.CHALLENGE, CHALLENGE), (Outcome.Kind.SOLUTION, SOLUTION)):
            services.add_outcome(meeting, Outcome(kind=kind, text=text), by=organiser)
    _agreements(meeting, plan, members, organiser)


def _agreements(meeting: Meeting, plan: Plan, members: dict, organiser: User) -> None:
    """Agreements are found by their text; a later run moves only their due date."""
    for agreement in plan.agreements:
        assignee = members.get(agreement.assignee)
        existing = Outcome.objects.filter(
            meeting=meeting, kind=Outcome.Kind.AGREEMENT, text=agreement.text
        ).first()
        if existing is not None:
            if existing.due_date != agreement.due:
                Outcome.objects.filter(pk=existing.pk).update(due_date=agreement.due)
            continue
        outcome = services.add_outcome(
            meeting,
            Outcome(
                kind=Outcome.Kind.AGREEMENT,
                text=agreement.text,
                assignee=assignee,
                due_date=agreement.due,
            ),
            by=organiser,
        )
        if agreement.done:
            services.close_agreement(outcome, by=assignee or organiser)
            done_at = min(timezone.now(), at(agreement.due - datetime.timedelta(days=3), 10))
            Outcome.objects.filter(pk=outcome.pk).update(done_at=done_at)
