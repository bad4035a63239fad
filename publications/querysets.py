"""Who sees which rows of this app: researchers and organisers compose publications and see
every one, drafts included; the circle's other members see final editions only. Render jobs are
looked up within the circle; whether a person may read a job's document is the document
kind's rule (publications.documents)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leerkring.access import EVERYTHING, FieldIn, Scope, ScopedQuerySet, everyone_sees_everything
from leerkring.roles import Role

if TYPE_CHECKING:
    from django.db import models

    from leerkring.models import User

EDITORS = (Role.RESEARCHER, Role.ORGANISER)
FINAL = "final"


def _sees(prefix: str = "") -> dict:
    return {
        role: EVERYTHING if role in EDITORS else FieldIn(f"{prefix}status", (FINAL,))
        for role in Role.values
    }


class PublicationQuerySet(ScopedQuerySet):
    scope = Scope(circle="circle", sees=_sees())

    def visible_to(self, user) -> PublicationQuerySet:
        return super().visible_to(user).select_related("circle")


class ChapterQuerySet(ScopedQuerySet):
    scope = Scope(circle="publication__circle", sees=_sees("publication__"))


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
