"""Demo data: the municipalities from the source texts, their participation and people, and
two invitations Breda's coordinator sent that have not been accepted yet."""

import datetime

from django.conf import settings
from django.utils import timezone

from leerkring.demo import COURSE_SLUG, FIRST_CIRCLE_SLUG, DemoContext
from leerkring.models import Circle, User
from municipalities import services
from municipalities.models import (
    Invitation,
    Membership,
    Municipality,
    Participation,
    Province,
    Role,
)

# (name, CBS code, province, inhabitants, website)
MUNICIPALITIES = [
    ("Almere", "GM0034", Province.FLEVOLAND, 222_825, "https://www.almere.nl"),
    ("Amsterdam", "GM0363", Province.NOORD_HOLLAND, 931_298, "https://www.amsterdam.nl"),
    ("Breda", "GM0758", Province.NOORD_BRABANT, 188_032, "https://www.breda.nl"),
    ("Den Haag", "GM0518", Province.ZUID_HOLLAND, 566_221, "https://www.denhaag.nl"),
    ("Dordrecht", "GM0505", Province.ZUID_HOLLAND, 121_434, "https://www.dordrecht.nl"),
    ("Eindhoven", "GM0772", Province.NOORD_BRABANT, 246_417, "https://www.eindhoven.nl"),
    ("Groningen", "GM0014", Province.GRONINGEN, 243_768, "https://gemeente.groningen.nl"),
    ("Leeuwarden", "GM0080", Province.FRYSLAN, 128_062, "https://www.leeuwarden.nl"),
    ("Rotterdam", "GM0599", Province.ZUID_HOLLAND, 670_610, "https://www.rotterdam.nl"),
    ("Tilburg", "GM0855", Province.NOORD_BRABANT, 229_836, "https://www.tilburg.nl"),
    ("Utrecht", "GM0344", Province.UTRECHT, 374_238, "https://www.utrecht.nl"),
    ("Zwolle", "GM0193", Province.OVERIJSSEL, 132_411, "https://www.zwolle.nl"),
]

# The first circle: recruitment as it might stand; the course (running now): the five big cities.
FIRST_CIRCLE_STATUS = {
    "GM0758": Participation.Status.PARTICIPATING,  # Breda
    "GM0855": Participation.Status.PARTICIPATING,  # Tilburg
    "GM0505": Participation.Status.PARTICIPATING,  # Dordrecht
    "GM0772": Participation.Status.PARTICIPATING,  # Eindhoven
    "GM0034": Participation.Status.INTAKE,  # Almere
    "GM0193": Participation.Status.INTERESTED,  # Zwolle
    "GM0080": Participation.Status.WITHDRAWN,  # Leeuwarden
}
COURSE_MUNICIPALITIES = ["GM0363", "GM0518", "GM0014", "GM0599", "GM0344"]

# (e-mail, name, role, CBS code or None)
FIRST_CIRCLE_PEOPLE = [
    ("onderzoeker@example.org", None, Role.RESEARCHER, None),
    ("organisator@example.org", None, Role.ORGANISER, None),
    ("contact.breda@example.org", "Cor Contact", Role.COORDINATOR, "GM0758"),
    ("contact.tilburg@example.org", "Tineke Tilburg", Role.COORDINATOR, "GM0855"),
    ("contact.dordrecht@example.org", "Dirk Dordt", Role.COORDINATOR, "GM0505"),
    ("ambtenaar@example.org", "Anna Ambtenaar", Role.PARTICIPANT, "GM0758"),
    ("bram.breda@example.org", "Bram de Boer", Role.PARTICIPANT, "GM0758"),
    ("fatima.tilburg@example.org", "Fatima El Amrani", Role.PARTICIPANT, "GM0855"),
    ("joost.tilburg@example.org", "Joost van Dijk", Role.PARTICIPANT, "GM0855"),
    ("sanne.dordrecht@example.org", "Sanne Visser", Role.PARTICIPANT, "GM0505"),
    ("emre.eindhoven@example.org", "Emre Yilmaz", Role.PARTICIPANT, "GM0772"),
]
COURSE_PEOPLE = [
    ("onderzoeker@example.org", None, Role.RESEARCHER, None),
    ("organisator@example.org", None, Role.ORGANISER, None),
    ("trainer@example.org", "Roeland Trainer", Role.TRAINER, None),
    ("contact.rotterdam@example.org", "Hestia Rotterdam", Role.COORDINATOR, "GM0599"),
    ("lotte.rotterdam@example.org", "Lotte Jansen", Role.PARTICIPANT, "GM0599"),
    ("mohamed.denhaag@example.org", "Mohamed Bakker", Role.PARTICIPANT, "GM0518"),
]


def seed(context: DemoContext) -> None:
    municipalities = {}
    for name, code, province, inhabitants, website in MUNICIPALITIES:
        municipalities[code], _created = Municipality.objects.update_or_create(
            cbs_code=code,
            defaults={
                "name": name,
                "province": province,
                "inhabitants": inhabitants,
                "website": website,
            },
        )
    first = Circle.objects.get(slug=FIRST_CIRCLE_SLUG)
    course = Circle.objects.get(slug=COURSE_SLUG)
    researcher = User.objects.get(email="onderzoeker@example.org")
    for code, status in FIRST_CIRCLE_STATUS.items():
        _participate(first, municipalities[code], status, researcher)
    for code in COURSE_MUNICIPALITIES:
        _participate(course, municipalities[code], Participation.Status.PARTICIPATING, researcher)

    for circle, people in ((first, FIRST_CIRCLE_PEOPLE), (course, COURSE_PEOPLE)):
        for email, name, role, code in people:
            user = (
                User.objects.get(email=email)
                if name is None
                else context.account(email, name, _label(role, municipalities.get(code)))
            )
            if not Membership.objects.filter(user=user, circle=circle).exists():
                services.grant_membership(
                    user, circle, role, municipalities.get(code), by=researcher
                )

    breda_coordinator = User.objects.get(email="contact.breda@example.org")
    for email, name in PENDING_INVITATIONS:
        _invitation(first, email, name, municipalities["GM0758"], breda_coordinator)


# Invited by Breda's coordinator two days ago and not yet accepted: the coordinator's dashboard
# has something to follow up.
PENDING_INVITATIONS = [
    ("lisa.breda@example.org", "Lisa de Wit"),
    ("kees.breda@example.org", "Kees Mulder"),
]
SENT_DAYS_AGO = 2

LABELS = {
    Role.RESEARCHER: "researcher",
    Role.ORGANISER: "organiser",
    Role.COORDINATOR: "coordinator",
    Role.PARTICIPANT: "civil servant",
    Role.TRAINER: "trainer",
}


def _label(role: str, municipality: Municipality | None) -> str:
    label = LABELS[role]
    return f"{label} ({municipality.name})" if municipality else label


def _participate(circle, municipality, status, researcher) -> None:
    """Walk the participation to `status` through the service, so the history is real."""
    participation = Participation.objects.filter(circle=circle, municipality=municipality).first()
    if participation is not None:
        return
    participation = services.add_participation(circle, municipality, by=researcher)
    path = {
        Participation.Status.INTERESTED: [],
        Participation.Status.INTAKE: [Participation.Status.INTAKE],
        Participation.Status.PARTICIPATING: [
            Participation.Status.INTAKE,
            Participation.Status.PARTICIPATING,
        ],
        Participation.Status.COMPLETED: [
            Participation.Status.INTAKE,
            Participation.Status.PARTICIPATING,
            Participation.Status.COMPLETED,
        ],
        Participation.Status.WITHDRAWN: [
            Participation.Status.INTAKE,
            Participation.Status.WITHDRAWN,
        ],
    }[status]
    for step in path:
        participation = services.change_participation_status(participation, step, by=researcher)


def _invitation(circle, email, name, municipality, by) -> None:
    """Sent once (through the service, so the e-mail is in the outbox); a pending one is
    dated again, so on a later run it is still two days old rather than expired."""
    invitation = Invitation.objects.filter(circle=circle, email=email).first()
    if invitation is None:
        invitation = services.invite(
            circle=circle,
            email=email,
            role=Role.PARTICIPANT,
            municipality=municipality,
            name=name,
            by=by,
        )
    if invitation.status == Invitation.Status.PENDING:
        sent = timezone.now() - datetime.timedelta(days=SENT_DAYS_AGO)
        Invitation.objects.filter(pk=invitation.pk).update(
            created_at=sent,
            expires_at=sent + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
