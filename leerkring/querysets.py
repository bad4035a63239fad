from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .models import User


class CircleQuerySet(models.QuerySet["Circle"]):
    def visible_to(self, user: User) -> CircleQuerySet:
        """The circles a person has a membership in (platform staff too: staff rights are for the
        administration, not for reading a circle)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        # `memberships` is the reverse name of municipalities.Membership.circle: a lookup by
        # name, not an import, so the core stays free of the apps above it.
        return self.filter(memberships__user=user)
