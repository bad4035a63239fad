"""Who may do what in a circle: the predicates behind every permission check.

Views and templates ask `user.has_perm("<perm>", obj)`; docs/permissions.md lists the matrix and
tests/municipalities/test_authorization_matrix.py checks every URL against it.
"""

from __future__ import annotations

import rules

from leerkring.models import Circle
from municipalities.models import Membership, Role


def memberships_of(user) -> dict[int, Membership]:
    """The person's memberships by circle id, loaded once per user object (one query)."""
    cached = getattr(user, "_leerkring_memberships", None)
    if cached is None:
        cached = {}
        if user.is_authenticated and user.is_active:
            cached = {m.circle_id: m for m in Membership.objects.filter(user=user)}
        user._leerkring_memberships = cached
    return cached


def forget_memberships(user) -> None:
    """Call after granting or removing a role, so the next check sees it."""
    user.__dict__.pop("_leerkring_memberships", None)


def circle_id_of(obj) -> int | None:
    if isinstance(obj, Circle):
        return obj.pk
    return getattr(obj, "circle_id", None)


def membership_in(user, obj) -> Membership | None:
    if obj is None:
        return None
    return memberships_of(user).get(circle_id_of(obj))


def _has_role(*roles: str):
    @rules.predicate(name=f"is_{'_or_'.join(roles)}")
    def predicate(user, obj) -> bool:
        membership = membership_in(user, obj)
        return membership is not None and membership.role in roles

    return predicate


is_circle_member = rules.predicate(
    lambda user, obj: membership_in(user, obj) is not None, name="is_circle_member"
)
is_researcher = _has_role(Role.RESEARCHER)
is_organiser = _has_role(Role.ORGANISER)
is_coordinator = _has_role(Role.COORDINATOR)


@rules.predicate
def is_own_municipality(user, obj) -> bool:
    """The object (participation, membership, invitation) is of the person's municipality."""
    membership = membership_in(user, obj)
    municipality_id = getattr(obj, "municipality_id", None)
    return (
        membership is not None
        and membership.municipality_id is not None
        and membership.municipality_id == municipality_id
    )


@rules.predicate
def sent_by_them(user, invitation) -> bool:
    return invitation is not None and invitation.invited_by_id == user.pk


is_own_coordinator = is_coordinator & is_own_municipality
is_participant = _has_role(Role.PARTICIPANT)


@rules.predicate
def is_a_researcher(user, membership) -> bool:
    """The membership (whose e-mail address is asked for) is a researcher's."""
    return membership is not None and membership.role == Role.RESEARCHER


@rules.predicate
def is_a_coordinator(user, membership) -> bool:
    return membership is not None and membership.role == Role.COORDINATOR


# Circle (obj: Circle)
rules.add_perm("leerkring.view_circle", is_circle_member)
rules.add_perm("leerkring.change_circle", is_researcher)
rules.add_perm("leerkring.view_auditevent", is_researcher)
# Participation (obj: Circle to add one, Participation otherwise)
rules.add_perm("municipalities.manage_participation", is_researcher)
rules.add_perm("municipalities.change_municipality", is_researcher | is_own_coordinator)
rules.add_perm("municipalities.manage_members", is_researcher | is_own_coordinator)
# Membership (obj: Membership)
# Everyone in the circle can write to its researchers (they run it); a civil servant can write
# to the coordinator of their own municipality (the person to ask first).
rules.add_perm(
    "municipalities.view_member_email",
    is_researcher
    | is_organiser
    | is_own_coordinator
    | (is_circle_member & is_a_researcher)
    | (is_participant & is_own_municipality & is_a_coordinator),
)
rules.add_perm("municipalities.delete_membership", is_researcher)
# Invitations (obj: Circle to invite; which roles and where is decided by services.can_invite)
rules.add_perm("municipalities.add_invitation", is_researcher | is_coordinator)
rules.add_perm(
    "municipalities.change_invitation", is_researcher | (is_own_coordinator & sent_by_them)
)
