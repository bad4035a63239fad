"""Who may do what in a circle: the predicates behind every permission check.

Views and templates ask `user.has_perm("<perm>", obj)`; docs/permissions.md lists the matrix and
tests/municipalities/test_authorization_matrix.py checks every URL against it.
"""

from __future__ import annotations

import rules

from leerkring.access import (  # noqa: F401 - the apps' views and tests import these from here
    can_view,
    circle_id_of,
    forget_memberships,
    is_circle_member,
    is_coordinator,
    is_organiser,
    is_participant,
    is_researcher,
    membership_in,
    memberships_of,
)
from leerkring.models import Circle
from municipalities.models import Invitation, Membership, Participation, Role


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


@rules.predicate
def is_a_researcher(user, membership) -> bool:
    """The membership (whose e-mail address is asked for) is a researcher's."""
    return membership is not None and membership.role == Role.RESEARCHER


@rules.predicate
def is_a_coordinator(user, membership) -> bool:
    return membership is not None and membership.role == Role.COORDINATOR


# Seeing one object: derived from the same table as the model's `visible_to` (leerkring/access.py).
rules.add_perm("leerkring.view_circle", can_view(Circle))
rules.add_perm("municipalities.view_participation", can_view(Participation))
rules.add_perm("municipalities.view_membership", can_view(Membership))
rules.add_perm("municipalities.view_invitation", can_view(Invitation))
# Circle (obj: Circle)
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
