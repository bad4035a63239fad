from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Permission

from leerkring.models import Circle, User
from municipalities.models import Invitation, Membership, Municipality, Role
from municipalities.rules import forget_memberships
from tests.factories import (
    AgendaItemFactory,
    CircleFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    MunicipalityFactory,
    OutcomeFactory,
    ParticipationFactory,
    UserFactory,
)


@dataclass
class World:
    """One circle with two participating municipalities and one person per role, plus a
    member of another circle: the cast of the permission tests."""

    circle: Circle
    other_circle: Circle
    breda: Municipality
    tilburg: Municipality
    users: dict[str, User] = field(default_factory=dict)
    memberships: dict[str, Membership] = field(default_factory=dict)
    invitation: Invitation | None = None
    meeting: object = None
    agenda_item: object = None
    agreement: object = None

    def __getattr__(self, name):
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


STAFF_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("user", "circle", "membership")
    for action in ("view", "add", "change")
]

ROLES = {
    # key: (role, municipality attribute or None)
    "researcher": (Role.RESEARCHER, None),
    "organiser": (Role.ORGANISER, None),
    "coordinator": (Role.COORDINATOR, "breda"),
    "other_coordinator": (Role.COORDINATOR, "tilburg"),
    "participant": (Role.PARTICIPANT, "breda"),
    "trainer": (Role.TRAINER, None),
}


@pytest.fixture
def world(db, settings) -> World:
    settings.MFA_REQUIRED = False  # MFA has tests of its own
    return build_world()


def build_world() -> World:
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    other_circle = CircleFactory(name="Een andere kring", slug="andere-kring")
    breda = MunicipalityFactory(name="Breda", cbs_code="GM0758")
    tilburg = MunicipalityFactory(name="Tilburg", cbs_code="GM0855")
    for municipality in (breda, tilburg):
        ParticipationFactory(circle=circle, municipality=municipality, status="participating")
    world = World(circle=circle, other_circle=other_circle, breda=breda, tilburg=tilburg)
    for key, (role, municipality) in ROLES.items():
        user = UserFactory(email=f"{key}@example.org", name=key.replace("_", " ").title())
        world.users[key] = user
        world.memberships[key] = MembershipFactory(
            user=user,
            circle=circle,
            role=role,
            municipality=getattr(world, municipality) if municipality else None,
        )
    outsider = UserFactory(email="outsider@example.org", name="Outsider")
    MembershipFactory(user=outsider, circle=other_circle, role=Role.RESEARCHER)
    world.users["outsider"] = outsider
    # Platform staff manage accounts and circles in the admin and belong to no circle.
    staff = UserFactory(email="staff@example.org", name="Staff", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["leerkring", "municipalities"],
            codename__in=STAFF_PERMISSIONS,
        )
    )
    world.users["staff"] = staff
    world.invitation = InvitationFactory(
        circle=circle,
        email="nieuw@example.org",
        role=Role.PARTICIPANT,
        municipality=breda,
        invited_by=world.users["coordinator"],
    )
    world.meeting = MeetingFactory(circle=circle, title="Voorjaarsbijeenkomst")
    world.agenda_item = AgendaItemFactory(meeting=world.meeting, position=1)
    AgendaItemFactory(meeting=world.meeting, position=2)
    world.agreement = OutcomeFactory(
        meeting=world.meeting, kind="agreement", assignee=world.users["participant"]
    )
    for user in world.users.values():
        forget_memberships(user)
    return world


@pytest.fixture
def as_role(client, world):
    """Log the test client in as one of the world's people (or nobody: "anonymous")."""

    def login(key: str):
        if key != "anonymous":
            client.force_login(world.users[key])
        return client

    return login
