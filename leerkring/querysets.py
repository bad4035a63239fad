from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .models import User


class CircleQuerySet(models.QuerySet["Circle"]):
    def visible_to(self, user: User) -> CircleQuerySet:
        """The circles a person may see.

        Memberships arrive with the municipalities app; until then only platform staff, who
        manage circles, see any.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.none()
