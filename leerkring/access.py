"""One access kit for every app: who may see which rows of a circle.

Everything is scoped to a circle, and what a person may see in it follows from their role there.
Each model that holds circle data gives its queryset a `Scope`: the lookup path from the model to
its circle (and, where a rule needs them, to the municipality and the owner of a row) and a
table that says, per role, which rows that role sees. From that one table come both

- `Model.objects.visible_to(user)`: the rows, as one query (every list, page, search, export);
- `can_view(Model)`: the rules predicate for a single object (`user.has_perm("app.view_x", obj)`),

so the two cannot drift apart; tests/core/test_access_kit.py checks that they agree for every
kind of person and every object. Roles not in a table see nothing; people outside a circle see
nothing of it. A row's rule is written once, as a `Rule` that can answer both as a `Q` and for a
Python object, e.g. `OWN_MUNICIPALITY | OWNER`.

The person's memberships are read once per user object (one query) and reused by every check
and queryset of the request. The model lives in the municipalities app; the core reaches it by
its reverse name (`user.memberships`), not by an import.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import rules
from django.db import models
from django.db.models import Q

from leerkring.roles import Role

# --- the person's memberships -------------------------------------------------------------------


def memberships_of(user) -> dict[int, Any]:
    """The person's memberships by circle id, loaded once per user object (one query)."""
    cached = getattr(user, "_leerkring_memberships", None)
    if cached is None:
        cached = {}
        if user is not None and user.is_authenticated and user.is_active:
            cached = {m.circle_id: m for m in user.memberships.all()}
        if user is not None:
            user._leerkring_memberships = cached
    return cached


def forget_memberships(user) -> None:
    """Call after granting or removing a role, so the next check sees it."""
    user.__dict__.pop("_leerkring_memberships", None)


def value_at(obj, path: str):
    """The value at a lookup path of an object: `"meeting__circle"` gives the id of the
    meeting's circle (a foreign key's id, without loading the row at the end of the path)."""
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
        if obj is None:
            return None
    concrete = {f.name: f for f in obj._meta.concrete_fields}
    if last in concrete and concrete[last].is_relation:
        return getattr(obj, concrete[last].attname)
    return getattr(obj, last)


def circle_id_of(obj) -> int | None:
    """The circle an object belongs to, by its model's scope (a Circle is its own)."""
    if obj is None:
        return None
    scope = scope_of(type(obj))
    if scope is not None:
        return value_at(obj, scope.circle)
    return getattr(obj, "circle_id", None)


def membership_in(user, obj):
    """The person's membership in the object's circle, or None."""
    if obj is None:
        return None
    return memberships_of(user).get(circle_id_of(obj))


# --- rules: a condition on rows, for one membership, as a Q and as a test ------------------------


class Rule(ABC):
    """Which rows of a circle one membership sees, in the two forms that must agree: a `Q` for
    the queryset and a test of one object. Combine with `|` and `&`."""

    @abstractmethod
    def q(self, membership, scope: Scope) -> Q: ...

    @abstractmethod
    def test(self, membership, obj, scope: Scope) -> bool: ...

    def __or__(self, other: Rule) -> Rule:
        return _Either(self, other)

    def __and__(self, other: Rule) -> Rule:
        return _Both(self, other)


@dataclass(frozen=True)
class _Either(Rule):
    left: Rule
    right: Rule

    def q(self, membership, scope):
        return self.left.q(membership, scope) | self.right.q(membership, scope)

    def test(self, membership, obj, scope):
        return self.left.test(membership, obj, scope) or self.right.test(membership, obj, scope)


@dataclass(frozen=True)
class _Both(Rule):
    left: Rule
    right: Rule

    def q(self, membership, scope):
        return self.left.q(membership, scope) & self.right.q(membership, scope)

    def test(self, membership, obj, scope):
        return self.left.test(membership, obj, scope) and self.right.test(membership, obj, scope)


class _Everything(Rule):
    def q(self, membership, scope):
        return Q()

    def test(self, membership, obj, scope):
        return True


class _OwnMunicipality(Rule):
    """Rows of the membership's own municipality (via the scope's municipality path)."""

    def q(self, membership, scope):
        if membership.municipality_id is None:
            return Q(pk__in=[])
        return Q(**{scope.municipality: membership.municipality_id})

    def test(self, membership, obj, scope):
        return membership.municipality_id is not None and (
            value_at(obj, scope.municipality) == membership.municipality_id
        )


class _Owner(Rule):
    """Rows that belong to the person themselves (via the scope's owner path)."""

    def q(self, membership, scope):
        return Q(**{scope.owner: membership.user_id})

    def test(self, membership, obj, scope):
        return value_at(obj, scope.owner) == membership.user_id


@dataclass(frozen=True)
class FieldIn(Rule):
    """Rows whose field (a lookup path) has one of these values, e.g. a visibility level."""

    path: str
    values: tuple

    def q(self, membership, scope):
        return Q(**{f"{self.path}__in": list(self.values)})

    def test(self, membership, obj, scope):
        return value_at(obj, self.path) in self.values


@dataclass(frozen=True)
class MemberOfOwnMunicipality(Rule):
    """Rows about a person (at `person_path`) who belongs to the membership's own municipality
    in the same circle: a coordinator's view of their colleagues' registrations."""

    person_path: str

    def q(self, membership, scope):
        if membership.municipality_id is None:
            return Q(pk__in=[])
        return Q(
            **{
                f"{self.person_path}__memberships__circle_id": membership.circle_id,
                f"{self.person_path}__memberships__municipality_id": membership.municipality_id,
            }
        )

    def test(self, membership, obj, scope):
        if membership.municipality_id is None:
            return False
        person = value_at(obj, self.person_path)
        return (
            person is not None
            and type(membership)
            ._default_manager.filter(
                user_id=person,
                circle_id=membership.circle_id,
                municipality_id=membership.municipality_id,
            )
            .exists()
        )


EVERYTHING: Rule = _Everything()
OWN_MUNICIPALITY: Rule = _OwnMunicipality()
OWNER: Rule = _Owner()


# --- the scope of a model -----------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Where a model's rows sit in a circle, and which role sees which of them."""

    circle: str  # lookup path to the circle's id ("pk" for Circle itself)
    sees: dict[str, Rule] = field(default_factory=dict)  # role → rule; absent: nothing
    municipality: str | None = None
    owner: str | None = None
    # Set when a rule joins a many-valued relation (the rows would repeat otherwise).
    distinct: bool = False

    def rule_for(self, role: str) -> Rule | None:
        return self.sees.get(role)


def everyone_sees_everything() -> dict[str, Rule]:
    return dict.fromkeys(Role.values, EVERYTHING)


class ScopedQuerySet(models.QuerySet):
    """A queryset whose `visible_to(user)` follows its model's scope table."""

    scope: Scope

    def visible_to(self, user) -> ScopedQuerySet:
        visible = Q(pk__in=[])
        for membership in memberships_of(user).values():
            rule = self.scope.rule_for(membership.role)
            if rule is None:
                continue
            in_circle = Q(**{self.scope.circle: membership.circle_id})
            visible |= in_circle & rule.q(membership, self.scope)
        rows = self.filter(visible)
        return rows.distinct() if self.scope.distinct else rows


def scope_of(model) -> Scope | None:
    queryset_class = getattr(model._default_manager, "_queryset_class", None)
    return getattr(queryset_class, "scope", None)


def can_view(model) -> Callable:
    """The rules predicate for one object of `model`, from the same table as `visible_to`."""
    scope = scope_of(model)
    if scope is None:
        raise TypeError(f"{model.__name__} has no access scope")

    @rules.predicate(name=f"can_view_{model._meta.model_name}")
    def predicate(user, obj) -> bool:
        if obj is None or not isinstance(obj, model):
            return False
        membership = memberships_of(user).get(value_at(obj, scope.circle))
        if membership is None:
            return False
        rule = scope.rule_for(membership.role)
        return rule is not None and rule.test(membership, obj, scope)

    return predicate


# --- role predicates, for the apps' rules.py ----------------------------------------------------


def has_role(*roles: str):
    @rules.predicate(name=f"is_{'_or_'.join(roles)}")
    def predicate(user, obj) -> bool:
        membership = membership_in(user, obj)
        return membership is not None and membership.role in roles

    return predicate


is_circle_member = rules.predicate(
    lambda user, obj: membership_in(user, obj) is not None, name="is_circle_member"
)
is_researcher = has_role(Role.RESEARCHER)
is_organiser = has_role(Role.ORGANISER)
is_coordinator = has_role(Role.COORDINATOR)
is_participant = has_role(Role.PARTICIPANT)
is_trainer = has_role(Role.TRAINER)
is_planner = is_researcher | is_organiser
