"""Recording audit events (who did what to which object, when and from where) and describing
them in words."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from allauth.account.adapter import get_adapter
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from leerkring.models import AuditEvent, Circle, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as allauth's rate limits see it: REMOTE_ADDR, or the address a
    trusted proxy put in X-Forwarded-For (TRUSTED_PROXY_COUNT)."""
    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request) or None
    except PermissionDenied:  # allauth refuses a request whose client address it cannot tell
        return None


def record(
    action: str,
    *,
    actor: User | None = None,
    target: models.Model | None = None,
    circle: Circle | None = None,
    request: HttpRequest | None = None,
    **data: Any,
) -> AuditEvent:
    if actor is not None and not actor.is_authenticated:
        actor = None
    if circle is None and target is not None:
        circle = target if isinstance(target, Circle) else getattr(target, "circle", None)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor else "",
        circle=circle,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        ip_address=client_ip(request),
        data=data,
    )


# --- Describing events --------------------------------------------------------------------------
#
# The log keeps codes and data; people read sentences. Each app describes the codes it records,
# from its AppConfig.ready() (the core describes its own), so the core never lists an app's events.

Describer = Callable[[AuditEvent], str]


@dataclass(frozen=True)
class EventKind:
    """What one event code means.

    `label` names the kind of event, short (the audit log's filter lists it under `group`);
    `description` says what happened in one event: a callable taking the event, or a (lazy)
    text with `%(key)s` filled from the event's data. Kinds that never belong to a circle
    (logins, say) are left out of a circle log's filter (`in_circle_log=False`).
    """

    code: str
    label: Any
    group: Any
    description: Describer | Any | None = None
    in_circle_log: bool = True


_kinds: dict[str, EventKind] = {}


def describe_event(
    code: str,
    description: Describer | Any | None = None,
    *,
    label: Any,
    group: Any,
    in_circle_log: bool = True,
) -> None:
    """Say what an event code means; registering a code again replaces its description."""
    _kinds[code] = EventKind(code, label, group, description, in_circle_log)


def kind_of(code: str) -> EventKind | None:
    return _kinds.get(code)


def circle_log_kinds() -> list[tuple[str, list[EventKind]]]:
    """The kinds a circle's log can hold, grouped, in the order the apps described them."""
    groups: dict[str, tuple[Any, list[EventKind]]] = {}
    for kind in _kinds.values():
        if kind.in_circle_log:
            groups.setdefault(str(kind.group), (kind.group, []))[1].append(kind)
    return [(group, kinds) for group, kinds in groups.values()]


def describe(event: AuditEvent) -> str | None:
    """The event in a sentence of the active language, or None for a code nobody described."""
    kind = _kinds.get(event.action)
    if kind is None:
        return None
    if kind.description is None:
        return str(kind.label)
    if callable(kind.description):
        return kind.description(event)
    try:
        return str(kind.description) % {"object": event.target_repr, **event.data}
    except (KeyError, TypeError, ValueError):
        # An older event that lacks a value the text now names: say at least what kind it is.
        return str(kind.label)


def details(event: AuditEvent) -> list[tuple[str, str]]:
    """The event's data as key/value pairs, for showing an event nobody described."""
    return [(key, _plain(value)) for key, value in sorted(event.data.items())]


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return "—" if value is None or value == "" else str(value)


# --- Old and new values -------------------------------------------------------------------------


def changed_fields(before: models.Model, after: models.Model, fields: Iterable[str]) -> list[str]:
    """The names among `fields` whose value differs between two versions of an object."""
    meta = after._meta
    return [
        name
        for name in fields
        if meta.get_field(name).value_from_object(before)
        != meta.get_field(name).value_from_object(after)
    ]


def field_changes(before: models.Model, after: models.Model, fields: Iterable[str]) -> dict:
    """The old and new value of each named field that differs, as the log keeps them:
    `{"name": [old, new]}` in JSON values (dates in ISO 8601, related objects as their text).

    Free text (TextField) is named in `fields` by the caller but its content stays out: the log
    can never be changed or deleted, so it should not keep what people wrote."""
    changes = {}
    for name in fields:
        try:
            field = after._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.TextField) or not getattr(field, "concrete", False):
            continue
        if field.value_from_object(before) != field.value_from_object(after):
            changes[name] = [_loggable(before, field), _loggable(after, field)]
    return changes


def _loggable(obj: models.Model, field: models.Field) -> Any:
    if field.is_relation:
        related = getattr(obj, field.name)
        return str(related)[:200] if related is not None else None
    value = field.value_from_object(obj)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return value[:200]
    return value


def describe_changes(
    event: AuditEvent,
    model: type[models.Model] | None = None,
    labels: dict[str, Any] | None = None,
) -> str:
    """The changed fields of an event, with old → new where the event keeps them:
    “naam: “Breda” → “Gemeente Breda”; provincie”. The fields are the target's, unless the
    event is about a part of it (an agenda item of the meeting): then pass that `model`.
    `labels` names what is not a field of the model (a circle's core questions)."""
    model = model or _model(event.target_type)
    changes = event.data.get("changes") or {}
    parts = []
    names = list(event.data.get("fields") or [])
    names += [name for name in changes if name not in names]
    for name in names:
        field = _field(model, name)
        if labels and name in labels:
            label = str(labels[name])
        elif field is not None:
            label = str(field.verbose_name)
        else:
            label = name.replace("_", " ")
        if name in changes:
            old, new = changes[name]
            parts.append(
                _("%(field)s: %(old)s → %(new)s")
                % {
                    "field": label,
                    "old": format_value(field, old),
                    "new": format_value(field, new),
                }
            )
        else:
            parts.append(label)
    return "; ".join(parts)


def format_value(field: models.Field | None, value: Any) -> str:
    """A value as the log keeps it (see `field_changes`), shown in the active language."""
    if value is None or value == "":
        return _("(empty)")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = datetime.datetime.fromisoformat(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "DATETIME_FORMAT")
    if isinstance(field, models.DateField) and isinstance(value, str):
        return date_format(datetime.date.fromisoformat(value[:10]), "DATE_FORMAT")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.CharField) and not field.choices:
        return f"“{value}”"
    return str(value)


def format_moment(value: str | None) -> str:
    """An ISO 8601 moment from an event's data, in the active language."""
    return format_value(models.DateTimeField(), value)


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
