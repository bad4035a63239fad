from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from leerkring.access import (
    EVERYTHING,
    OWNER,
    MemberOfOwnMunicipality,
    Scope,
    ScopedQuerySet,
    everyone_sees_everything,
)
from leerkring.roles import Role

if TYPE_CHECKING:
    from leerkring.models import User


class MeetingQuerySet(ScopedQuerySet):
    """`visible_to(user)`: the meetings of every circle the person belongs to."""

    scope = Scope(circle="circle", sees=everyone_sees_everything())

    def visible_to(self, user: User) -> MeetingQuerySet:
        return super().visible_to(user).select_related("circle", "host")

    def upcoming(self) -> MeetingQuerySet:
        return self.filter(ends_at__gt=timezone.now()).order_by("starts_at")

    def past(self) -> MeetingQuerySet:
        return self.filter(ends_at__lte=timezone.now()).order_by("-starts_at")


class RegistrationQuerySet(ScopedQuerySet):
    """Planners see every registration of their circles; a coordinator those of their own
    municipality's people; everyone their own."""

    scope = Scope(
        circle="meeting__circle",
        owner="user",
        sees={
            Role.RESEARCHER: EVERYTHING,
            Role.ORGANISER: EVERYTHING,
            Role.COORDINATOR: MemberOfOwnMunicipality("user") | OWNER,
            Role.PARTICIPANT: OWNER,
            Role.TRAINER: OWNER,
        },
        distinct=True,
    )


class OutcomeQuerySet(ScopedQuerySet):
    """Every member of a circle sees its meetings' outcomes and agreements."""

    scope = Scope(circle="meeting__circle", sees=everyone_sees_everything(), owner="assignee")

    def mine(self, user: User) -> OutcomeQuerySet:
        """Assigned to the person, in circles they still belong to."""
        return self.filter(assignee=user, meeting__circle__memberships__user=user)

    def open_agreements(self) -> OutcomeQuerySet:
        return self.filter(kind="agreement", status="open").select_related(
            "assignee", "meeting", "meeting__circle"
        )
