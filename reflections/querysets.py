"""Who sees which reflections, framework versions, revisions and comments: one scope table per
model (leerkring/access.py), from which both `visible_to(user)` and the view permissions come."""

from __future__ import annotations

from leerkring.access import (
    EVERYTHING,
    OWN_MUNICIPALITY,
    OWNER,
    FieldIn,
    Rule,
    Scope,
    ScopedQuerySet,
)
from leerkring.roles import Role

SUBMITTED = "submitted"
PRIVATE, RESEARCHERS, MUNICIPALITY, CIRCLE = "private", "researchers", "municipality", "circle"


def reflection_rules(prefix: str = "") -> dict[str, Rule]:
    """What each role sees of the circle's reflections (the prefix leads from a comment or a
    revision to its reflection). The author always sees their own, drafts included; nobody else
    sees a draft or what the author kept to themselves."""
    submitted = FieldIn(f"{prefix}status", (SUBMITTED,))

    def shared_with(*levels: str) -> Rule:
        return submitted & FieldIn(f"{prefix}visibility", levels)

    municipal = OWNER | shared_with(CIRCLE) | (shared_with(MUNICIPALITY) & OWN_MUNICIPALITY)
    return {
        Role.RESEARCHER: OWNER | shared_with(RESEARCHERS, MUNICIPALITY, CIRCLE),
        Role.ORGANISER: OWNER | shared_with(CIRCLE),
        Role.COORDINATOR: municipal,
        Role.PARTICIPANT: municipal,
        Role.TRAINER: OWNER | shared_with(CIRCLE),
    }


def conversation_rules(prefix: str) -> dict[str, Rule]:
    """Comments and revisions: between the author and the researchers who may read it."""
    return {
        role: rule if role == Role.RESEARCHER else OWNER
        for role, rule in reflection_rules(prefix).items()
    }


class FrameworkQuerySet(ScopedQuerySet):
    """Researchers see every version, the draft included; everyone else the published ones."""

    scope = Scope(
        circle="circle",
        sees={
            Role.RESEARCHER: EVERYTHING,
            **{
                role: FieldIn("status", ("published",))
                for role in Role.values
                if role != Role.RESEARCHER
            },
        },
    )

    def published(self) -> FrameworkQuerySet:
        return self.filter(status="published")


class ReflectionQuerySet(ScopedQuerySet):
    scope = Scope(
        circle="circle",
        municipality="municipality",
        owner="author",
        sees=reflection_rules(),
    )

    def visible_to(self, user) -> ReflectionQuerySet:
        return super().visible_to(user).select_related("circle", "author", "municipality")

    def submitted(self) -> ReflectionQuerySet:
        return self.filter(status=SUBMITTED)


class CommentQuerySet(ScopedQuerySet):
    scope = Scope(
        circle="reflection__circle",
        municipality="reflection__municipality",
        owner="reflection__author",
        sees=conversation_rules("reflection__"),
    )


class RevisionQuerySet(ScopedQuerySet):
    scope = Scope(
        circle="reflection__circle",
        municipality="reflection__municipality",
        owner="reflection__author",
        sees=conversation_rules("reflection__"),
    )


class FreeCodeQuerySet(ScopedQuerySet):
    """The researchers' own codes: theirs alone."""

    scope = Scope(circle="circle", sees={Role.RESEARCHER: EVERYTHING})


class PassageQuerySet(ScopedQuerySet):
    """Coded passages: the researchers' work, seen by the researchers who may read the
    reflection (two researchers coding the same reflection see each other's codes)."""

    scope = Scope(
        circle="reflection__circle",
        municipality="reflection__municipality",
        owner="reflection__author",
        sees={Role.RESEARCHER: reflection_rules("reflection__")[Role.RESEARCHER]},
    )
