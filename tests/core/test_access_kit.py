"""The access kit (leerkring/access.py): for every kind of person and every object of every scoped
model, `user.has_perm(view, obj)` holds exactly when `obj in Model.objects.visible_to(user)`."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from leerkring.access import forget_memberships, scope_of
from leerkring.models import Circle
from municipalities.models import Invitation, Membership, Participation, Role
from reflections.models import Comment, Framework, FreeCode, Passage, Reflection, Revision
from sessions.models import Meeting, Outcome, Registration
from tests.factories import (
    FrameworkFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    OutcomeFactory,
    ReflectionFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.municipalities.conftest import build_world

pytestmark = pytest.mark.django_db

PEOPLE = [
    "anonymous",
    "outsider",
    "staff",
    "researcher",
    "organiser",
    "coordinator",
    "other_coordinator",
    "participant",
    "trainer",
]
MODELS = {
    "leerkring.view_circle": Circle,
    "municipalities.view_participation": Participation,
    "municipalities.view_membership": Membership,
    "municipalities.view_invitation": Invitation,
    "meetings.view_meeting": Meeting,
    "meetings.view_outcome": Outcome,
    "meetings.view_registration": Registration,
    "reflections.view_framework": Framework,
    "reflections.view_reflection": Reflection,
    "reflections.view_comment": Comment,
    "reflections.view_revision": Revision,
    "reflections.view_passage": Passage,
    "reflections.view_freecode": FreeCode,
}


@pytest.fixture(scope="module")
def shared_full_world(django_db_setup, django_db_blocker):
    """The world is made once for this module (the tests only read it), in a transaction rolled
    back at the end; each test runs inside it in a savepoint of its own, as Django's
    setUpTestData does."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_full_world(build_world())
        transaction.set_rollback(True)


@pytest.fixture
def full_world(shared_full_world, db, settings):
    settings.MFA_REQUIRED = False  # as the permission tests' `world` fixture
    for user in shared_full_world.users.values():
        forget_memberships(user)
    return shared_full_world


def build_full_world(world):
    """The permission tests' world, with an object of every kind in both municipalities and in
    the other circle, so every rule has rows it must show and rows it must hide."""
    w = world
    tilburg_colleague = UserFactory(name="Tilburgse collega")
    MembershipFactory(
        user=tilburg_colleague,
        circle=world.circle,
        role=Role.PARTICIPANT,
        municipality=world.tilburg,
    )
    InvitationFactory(
        circle=world.circle, role=Role.PARTICIPANT, municipality=world.tilburg, email="t@x.nl"
    )
    InvitationFactory(circle=world.circle, role=Role.TRAINER, email="trainer2@x.nl")
    for person in (world.participant, tilburg_colleague, world.trainer, world.coordinator):
        RegistrationFactory(meeting=world.meeting, user=person)
    elsewhere = MeetingFactory(circle=world.other_circle)
    RegistrationFactory(meeting=elsewhere, user=world.outsider)
    OutcomeFactory(meeting=elsewhere, kind="agreement", assignee=world.outsider)
    InvitationFactory(circle=world.other_circle, role=Role.TRAINER, email="elders@x.nl")
    # Reflections at every visibility level, drafts and submitted, by Breda's civil servant, a
    # Tilburg colleague and the trainer, each with a comment and a revision.
    FrameworkFactory(circle=w.circle, number=1)
    FrameworkFactory(circle=w.circle, number=2, status="draft", published_at=None)
    for author, municipality in (
        (w.participant, w.breda),
        (tilburg_colleague, w.tilburg),
        (w.trainer, None),
    ):
        for visibility in ("private", "researchers", "municipality", "circle"):
            for status in ("draft", "submitted"):
                reflection = ReflectionFactory(
                    circle=w.circle,
                    author=author,
                    municipality=municipality,
                    visibility=visibility,
                    status=status,
                    submitted_at=timezone.now() if status == "submitted" else None,
                )
                Comment.objects.create(reflection=reflection, author=author, text="Vraag")
                revision = Revision.objects.create(reflection=reflection, number=1, content={})
                Passage.objects.create(reflection=reflection, revision=revision, coder=w.researcher)
    ReflectionFactory(circle=w.other_circle, author=w.outsider, visibility="circle")
    FreeCode.objects.create(circle=w.circle, name="Eigen code")
    FreeCode.objects.create(circle=w.other_circle, name="Elders")
    for user in world.users.values():
        forget_memberships(user)
    return world


def person(world, key):
    return AnonymousUser() if key == "anonymous" else world.users[key]


@pytest.mark.parametrize("perm", MODELS)
@pytest.mark.parametrize("key", PEOPLE)
def test_view_permission_and_visible_to_agree(full_world, perm, key):
    model = MODELS[perm]
    user = person(full_world, key)
    visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
    allowed = {obj.pk for obj in model.objects.all() if user.has_perm(perm, obj)}
    assert allowed == visible


@pytest.mark.parametrize("perm", MODELS)
def test_every_rule_shows_some_rows_and_hides_others(full_world, perm):
    """The agreement above could hold with everything hidden: each model has rows someone sees
    and rows someone does not."""
    model = MODELS[perm]
    counts = {key: model.objects.visible_to(person(full_world, key)).count() for key in PEOPLE}
    assert counts["anonymous"] == 0
    assert max(counts.values()) > 0
    assert min(counts[key] for key in PEOPLE[1:]) < model.objects.count()


def test_what_the_tables_say(full_world):
    w = full_world
    invitations = {
        key: set(Invitation.objects.visible_to(w.users[key]).values_list("email", flat=True))
        for key in ("researcher", "coordinator", "other_coordinator", "participant")
    }
    assert invitations["researcher"] == {"nieuw@example.org", "t@x.nl", "trainer2@x.nl"}
    assert invitations["coordinator"] == {"nieuw@example.org"}
    assert invitations["other_coordinator"] == {"t@x.nl"}
    assert invitations["participant"] == set()
    registrations = {
        key: Registration.objects.visible_to(w.users[key]).filter(meeting=w.meeting).count()
        for key in ("organiser", "coordinator", "other_coordinator", "participant", "trainer")
    }
    # Everyone registered (4); Breda's coordinator: Breda's civil servant and themselves; the
    # Tilburg coordinator: their colleague; the others only their own.
    assert registrations == {
        "organiser": 4,
        "coordinator": 2,
        "other_coordinator": 1,
        "participant": 1,
        "trainer": 1,
    }
    assert not Meeting.objects.visible_to(w.researcher).filter(circle=w.other_circle).exists()
    assert Circle.objects.visible_to(w.staff).count() == 0
    titles = {
        key: {
            (r.author_id, r.visibility, r.status)
            for r in Reflection.objects.visible_to(w.users[key]).filter(circle=w.circle)
        }
        for key in ("researcher", "organiser", "coordinator", "participant")
    }
    breda, trainer = w.participant.pk, w.trainer.pk
    # Researchers: everything submitted but what the author kept to themselves; no drafts.
    assert (breda, "researchers", "submitted") in titles["researcher"]
    assert (breda, "private", "submitted") not in titles["researcher"]
    assert not any(status == "draft" for _a, _v, status in titles["researcher"])
    # Organisers: only what is shared with the whole circle.
    assert {v for _a, v, _s in titles["organiser"]} == {"circle"}
    # Breda's coordinator: Breda's municipality-level ones and everyone's whole-circle ones.
    assert (breda, "municipality", "submitted") in titles["coordinator"]
    assert not any(v == "municipality" and a != breda for a, v, _s in titles["coordinator"])
    assert (trainer, "circle", "submitted") in titles["coordinator"]
    # The author sees all eight of their own, drafts and private ones included.
    assert len([1 for a, _v, _s in titles["participant"] if a == breda]) == 8


def test_every_scoped_model_has_its_view_permission_checked_here():
    from django.apps import apps

    ours = {"leerkring", "municipalities", "meetings", "reflections"}
    scoped = {
        model
        for model in apps.get_models()
        if model._meta.app_label in ours and scope_of(model) is not None
    }
    assert scoped == set(MODELS.values())


def test_visible_to_is_one_query_after_the_memberships(full_world, django_assert_num_queries):
    user = full_world.coordinator
    forget_memberships(user)
    with django_assert_num_queries(2):  # the person's memberships, then the rows
        list(Registration.objects.visible_to(user))
    with django_assert_num_queries(1):  # the memberships are remembered for the request
        list(Invitation.objects.visible_to(user))
