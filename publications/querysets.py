"""Who sees which publications: researchers and organisers compose them and see every one,
drafts included; the circle's other members see final editions only."""

from __future__ import annotations

from leerkring.access import EVERYTHING, FieldIn, Scope, ScopedQuerySet
from leerkring.roles import Role

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
