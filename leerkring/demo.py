"""Demo data of the core app: the two circles from the source texts and the staff accounts.

`manage.py seed_demo` runs this and every later app's `demo.seed`, in dependency order.
"""

import datetime
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress

from leerkring.models import Circle, CoreQuestion, User

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
    """What seeders share: the password for new accounts, and the accounts made so far."""

    password: str
    reset_passwords: bool = False
    accounts: list[tuple[str, User]] = field(default_factory=list)

    def account(self, email: str, name: str, role: str, **flags) -> User:
        """Create (or find) a demo account with a verified e-mail address."""
        user, created = User.objects.get_or_create(email=email, defaults={"name": name, **flags})
        if created or self.reset_passwords:
            user.set_password(self.password)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        self.accounts.append((role, user))
        return user


def seed(context: DemoContext) -> None:
    Circle.objects.update_or_create(
        slug=FIRST_CIRCLE_SLUG,
        defaults={
            "name": "Ambtelijk vakmanschap in de participatiemaatschappij",
            "kind": Circle.Kind.CIRCLE,
            "start_date": datetime.date(2017, 9, 1),
            "end_date": datetime.date(2019, 8, 31),
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
            "start_date": datetime.date(2020, 3, 9),
            "end_date": datetime.date(2020, 12, 18),
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
    context.account("onderzoeker@example.org", "Wieke Onderzoek", "researcher", is_staff=True)
    context.account("organisator@example.org", "Olaf Organisatie", "organiser")
