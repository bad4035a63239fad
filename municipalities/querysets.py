from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, F, Q

if TYPE_CHECKING:
    from leerkring.models import User


def _roles_of(user: User, *roles: str) -> Q:
    """Rows of circles in which `user` holds one of `roles` (one join on memberships)."""
    return Q(circle__memberships__user=user, circle__memberships__role__in=roles)


class ParticipationQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ParticipationQuerySet:
        """Every member of a circle sees which municipalities take part in it."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(circle__memberships__user=user).select_related("municipality", "circle")

    def with_member_counts(self) -> ParticipationQuerySet:
        return self.annotate(
            member_count=Count(
                "municipality__memberships",
                filter=Q(municipality__memberships__circle=F("circle")),
                distinct=True,
            )
        )


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> MembershipQuerySet:
        """Members see each other's names, roles and municipalities within their circles."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(circle__memberships__user=user).select_related(
            "user", "municipality", "circle"
        )


class InvitationQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> InvitationQuerySet:
        """Researchers see all invitations of their circles; coordinators their municipality's."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            _roles_of(user, "researcher")
            | (
                _roles_of(user, "coordinator")
                & Q(municipality=F("circle__memberships__municipality"))
            )
        ).select_related("municipality", "invited_by", "last_email", "circle")

    def pending(self) -> InvitationQuerySet:
        return self.filter(status="pending")
