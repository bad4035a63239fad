from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, F, Q

from leerkring.access import (
    EVERYTHING,
    OWN_MUNICIPALITY,
    Scope,
    ScopedQuerySet,
    everyone_sees_everything,
)
from leerkring.roles import Role

if TYPE_CHECKING:
    from leerkring.models import User


class ParticipationQuerySet(ScopedQuerySet):
    """Every member of a circle sees which municipalities take part in it."""

    scope = Scope(circle="circle", sees=everyone_sees_everything(), municipality="municipality")

    def visible_to(self, user: User) -> ParticipationQuerySet:
        return super().visible_to(user).select_related("municipality", "circle")

    def with_member_counts(self) -> ParticipationQuerySet:
        return self.annotate(
            member_count=Count(
                "municipality__memberships",
                filter=Q(municipality__memberships__circle=F("circle")),
                distinct=True,
            )
        )


class MembershipQuerySet(ScopedQuerySet):
    """Members see each other's names, roles and municipalities within their circles."""

    scope = Scope(
        circle="circle", sees=everyone_sees_everything(), municipality="municipality", owner="user"
    )

    def visible_to(self, user: User) -> MembershipQuerySet:
        return super().visible_to(user).select_related("user", "municipality", "circle")


class InvitationQuerySet(ScopedQuerySet):
    """Researchers see all invitations of their circles; coordinators their municipality's."""

    scope = Scope(
        circle="circle",
        municipality="municipality",
        sees={Role.RESEARCHER: EVERYTHING, Role.COORDINATOR: OWN_MUNICIPALITY},
    )

    def visible_to(self, user: User) -> InvitationQuerySet:
        return (
            super()
            .visible_to(user)
            .select_related("municipality", "invited_by", "last_email", "circle")
        )

    def pending(self) -> InvitationQuerySet:
        return self.filter(status="pending")
