from __future__ import annotations

from leerkring.access import Scope, ScopedQuerySet, everyone_sees_everything


class CircleQuerySet(ScopedQuerySet):
    """`visible_to(user)`: the circles a person has a membership in (platform staff too: staff
    rights are for the administration, not for reading a circle)."""

    scope = Scope(circle="pk", sees=everyone_sees_everything())
