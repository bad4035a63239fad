from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from leerkring.models import User


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> MeetingQuerySet:
        """The meetings of every circle the person belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(circle__memberships__user=user).select_related("circle", "host")

    def upcoming(self) -> MeetingQuerySet:
        return self.filter(ends_at__gt=timezone.now()).order_by("starts_at")

    def past(self) -> MeetingQuerySet:
        return self.filter(ends_at__lte=timezone.now()).order_by("-starts_at")


class OutcomeQuerySet(models.QuerySet):
    def mine(self, user: User) -> OutcomeQuerySet:
        """Assigned to the person, in circles they still belong to."""
        return self.filter(assignee=user, meeting__circle__memberships__user=user)

    def open_agreements(self) -> OutcomeQuerySet:
        return self.filter(kind="agreement", status="open").select_related(
            "assignee", "meeting", "meeting__circle"
        )
