from __future__ import annotations

from typing import TYPE_CHECKING

from leerkring.access import Scope, ScopedQuerySet, everyone_sees_everything

if TYPE_CHECKING:
    from django.db import models

    from leerkring.models import User


class RenderJobQuerySet(ScopedQuerySet):
    """The circle decides which jobs a person may look up at all; whether they may read a job's
    document is the document kind's rule (publications.documents), asked per target."""

    scope = Scope(circle="circle", sees=everyone_sees_everything())

    def visible_to(self, user: User) -> RenderJobQuerySet:
        return super().visible_to(user).select_related("circle", "created_by")

    def of(self, kind: str, target: models.Model) -> RenderJobQuerySet:
        from django.contrib.contenttypes.models import ContentType

        return self.filter(
            kind=kind, target_type=ContentType.objects.get_for_model(target), target_id=target.pk
        )
