"""Writes of the reflections app: the framework, reflections, the conversation about them and
the invitation to reflect after a meeting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from leerkring import audit
from leerkring.models import Circle, User
from reflections.models import Framework, Practice, Value
from reflections.models import Role as FrameworkRole

# --- The framework ---
#
# Researchers edit one draft version of a circle's framework and publish it. A published version
# is never changed again: reflections point to the version (and its elements) they were written
# against, so publishing a new one leaves them as they were. An element keeps its `code` from
# one version to the next; that is what the comparison goes by.


class FrameworkError(Exception):
    """A change the framework's versioning does not allow (said in words for the person)."""


KINDS = ("roles", "practices", "values")

# The seeds' framework (DESIGN.md, "The framework, from the seeds"): code, Dutch name, English
# name, description. Roles from most to least government-led.
DEFAULT_ROLES = [
    (
        "reguleren",
        "Reguleren",
        "Regulating",
        "De gemeente stelt de regels en kaders vast en ziet erop toe dat ze worden nageleefd. "
        "Een initiatief moet daarbinnen passen; de ambtenaar toetst en beslist.",
    ),
    (
        "regisseren",
        "Regisseren",
        "Directing",
        "De gemeente bepaalt het doel en de route en brengt de partijen bij elkaar die het "
        "uitvoeren. Bewoners en organisaties doen mee, de regie blijft bij de gemeente.",
    ),
    (
        "sturen",
        "Sturen",
        "Steering",
        "De gemeente geeft richting met doelen, voorwaarden of geld en laat de uitvoering aan "
        "anderen. De ambtenaar stuurt bij waar een initiatief van de afgesproken koers afwijkt.",
    ),
    (
        "faciliteren",
        "Faciliteren",
        "Facilitating",
        "Het initiatief ligt bij bewoners; de gemeente helpt met kennis, contacten, ruimte of "
        "middelen. De ambtenaar maakt mogelijk zonder het over te nemen.",
    ),
    (
        "loslaten",
        "Loslaten",
        "Letting go",
        "Bewoners dragen hun initiatief zelf, zonder dat de gemeente zich ermee bemoeit. De "
        "ambtenaar laat bewust ruimte en is er alleen als daarom wordt gevraagd.",
    ),
]
DEFAULT_VALUES = [
    (
        "gelijkheid-en-inclusie",
        "Gelijkheid en inclusie",
        "Equality and inclusion",
        "Iedereen die het aangaat kan meedoen en telt even zwaar mee, ook wie minder mondig is "
        "of de weg naar het stadhuis niet kent. Let op wie aan tafel zit en wie er ontbreekt.",
    ),
    (
        "verantwoording",
        "Verantwoording",
        "Accountability",
        "Wie besluit of publiek geld besteedt, legt uit wat er gebeurde en waarom, aan de raad "
        "en aan de bewoners. Ook bij maatwerk en initiatief blijft duidelijk wie waarop "
        "aanspreekbaar is.",
    ),
    (
        "deliberatie",
        "Deliberatie",
        "Deliberation",
        "Besluiten komen voort uit een open gesprek waarin argumenten worden uitgewisseld en "
        "gewogen. Niet wie het hardst roept geeft de doorslag, maar wat na overleg het beste "
        "argument blijkt.",
    ),
]
# Practices, with the codes of the roles they fit.
DEFAULT_PRACTICES = [
    (
        "co-creatiesessie",
        "Co-creatiesessie",
        "Co-creation session",
        "Gemeente, bewoners en organisaties werken in een of meer sessies samen een plan of "
        "oplossing uit. De gemeente nodigt uit en begeleidt; de inhoud ontstaat samen.",
        ("regisseren", "sturen", "faciliteren"),
    ),
    (
        "uitdaagrecht",
        "Uitdaagrecht",
        "Right to challenge",
        "Bewoners mogen een taak van de gemeente overnemen als zij die beter of goedkoper "
        "kunnen uitvoeren, met het budget dat erbij hoort. De gemeente toetst het voorstel en "
        "maakt daarna ruimte.",
        ("faciliteren", "loslaten"),
    ),
    (
        "buurtbudget",
        "Buurtbudget",
        "Neighbourhood budget",
        "Een buurt beheert zelf een deel van het gemeentelijke budget en beslist waaraan het "
        "wordt besteed. De gemeente stelt de kaders en legt over het geheel verantwoording af.",
        ("sturen", "faciliteren", "loslaten"),
    ),
    (
        "burgerpanel",
        "Burgerpanel",
        "Citizens' panel",
        "Een gelote of representatief samengestelde groep inwoners buigt zich over een vraag "
        "van de gemeente en geeft advies. De gemeente stelt de vraag en zegt vooraf wat er met "
        "het advies gebeurt.",
        ("regisseren", "sturen"),
    ),
    (
        "initiatievenloket",
        "Initiatievenloket",
        "Initiative desk",
        "Eén aanspreekpunt bij de gemeente waar bewoners met een initiatief terechtkunnen voor "
        "vergunningen, contacten en ondersteuning. De ambtenaar helpt de weg door de eigen "
        "organisatie te vinden.",
        ("reguleren", "faciliteren"),
    ),
]


def published_framework(circle: Circle) -> Framework | None:
    """The version authors are offered: the circle's latest published one."""
    return Framework.objects.filter(circle=circle).published().order_by("-number").first()


def draft_framework(circle: Circle) -> Framework | None:
    return Framework.objects.filter(circle=circle, status=Framework.Status.DRAFT).first()


def _lock(circle: Circle) -> None:
    # One researcher at a time starts, installs or publishes a version of a circle's framework.
    Circle.objects.select_for_update().filter(pk=circle.pk).first()


def install_default_framework(
    circle: Circle, by: User | None, request: HttpRequest | None = None
) -> Framework:
    """Version 1 of the circle's framework, published, from the seeds. A circle that already
    has a framework keeps it (its first version is returned)."""
    with transaction.atomic():
        _lock(circle)
        existing = Framework.objects.filter(circle=circle).order_by("number").first()
        if existing is not None:
            return existing
        framework = Framework.objects.create(
            circle=circle,
            number=1,
            status=Framework.Status.PUBLISHED,
            published_at=timezone.now(),
            published_by=by,
        )
        fields = ("code", "name_nl", "name_en", "description")
        roles = FrameworkRole.objects.bulk_create(
            FrameworkRole(framework=framework, position=i, **dict(zip(fields, row, strict=True)))
            for i, row in enumerate(DEFAULT_ROLES, start=1)
        )
        Value.objects.bulk_create(
            Value(framework=framework, position=i, **dict(zip(fields, row, strict=True)))
            for i, row in enumerate(DEFAULT_VALUES, start=1)
        )
        practices = Practice.objects.bulk_create(
            Practice(framework=framework, position=i, **dict(zip(fields, row[:4], strict=True)))
            for i, row in enumerate(DEFAULT_PRACTICES, start=1)
        )
        role_by_code = {role.code: role for role in roles}
        Practice.roles.through.objects.bulk_create(
            Practice.roles.through(practice_id=practice.pk, role_id=role_by_code[code].pk)
            for practice, row in zip(practices, DEFAULT_PRACTICES, strict=True)
            for code in row[4]
        )
        audit.record(
            "framework.installed", actor=by, target=framework, circle=circle, request=request
        )
    return framework


def start_draft(circle: Circle, by: User, request: HttpRequest | None = None) -> Framework:
    """The circle's draft version: the one there is, or a new one copied from the latest
    published version (same codes; the practices fit the copies of their roles)."""
    with transaction.atomic():
        _lock(circle)
        draft = draft_framework(circle)
        if draft is not None:
            return draft
        base = published_framework(circle)
        last = Framework.objects.filter(circle=circle).aggregate(n=Max("number"))["n"] or 0
        draft = Framework.objects.create(
            circle=circle, number=last + 1, status=Framework.Status.DRAFT, based_on=base
        )
        if base is not None:
            _copy_elements(base, draft)
        audit.record(
            "framework.draft_started",
            actor=by,
            target=draft,
            circle=circle,
            request=request,
            number=draft.number,
            based_on=base.number if base else None,
        )
    return draft


def _copy_elements(source: Framework, target: Framework) -> None:
    def copy(element):
        return {
            "framework": target,
            "code": element.code,
            "position": element.position,
            "name_nl": element.name_nl,
            "name_en": element.name_en,
            "description": element.description,
            "retired": element.retired,
        }

    old_roles = list(source.roles.all())
    new_roles = FrameworkRole.objects.bulk_create(FrameworkRole(**copy(r)) for r in old_roles)
    role_copy = {old.pk: new.pk for old, new in zip(old_roles, new_roles, strict=True)}
    Value.objects.bulk_create(Value(**copy(v)) for v in source.values.all())
    old_practices = list(source.practices.prefetch_related("roles"))
    new_practices = Practice.objects.bulk_create(Practice(**copy(p)) for p in old_practices)
    Practice.roles.through.objects.bulk_create(
        Practice.roles.through(practice_id=new.pk, role_id=role_copy[role.pk])
        for old, new in zip(old_practices, new_practices, strict=True)
        for role in old.roles.all()
    )


def published_codes(circle: Circle) -> dict[str, set[str]]:
    """Per kind, the codes of the elements that were ever in a published version: those can be
    retired, never deleted."""
    published = Framework.objects.filter(circle=circle).published()
    return {
        "roles": set(
            FrameworkRole.objects.filter(framework__in=published).values_list("code", flat=True)
        ),
        "practices": set(
            Practice.objects.filter(framework__in=published).values_list("code", flat=True)
        ),
        "values": set(Value.objects.filter(framework__in=published).values_list("code", flat=True)),
    }


def _new_code(name: str, taken: set[str]) -> str:
    base = slugify(name)[:44] or "element"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    taken.add(code)
    return code


def save_draft(
    draft: Framework,
    formsets: dict[str, BaseInlineFormSet],
    by: User,
    request: HttpRequest | None = None,
) -> Framework:
    """Save the draft's roles, practices and values from validated formsets (kind → formset).
    New elements get a code from their Dutch name; an element that was ever published cannot
    be deleted (it is retired instead)."""
    with transaction.atomic():
        draft = Framework.objects.select_for_update().get(pk=draft.pk)
        if draft.is_published:
            raise FrameworkError(_("This version has been published; start a new draft."))
        protected = published_codes(draft.circle)
        summary = {}
        for kind, formset in formsets.items():
            for form in formset.deleted_forms:
                if form.instance.pk and form.instance.code in protected[kind]:
                    raise FrameworkError(
                        _("“%(name)s” was in a published version: retire it instead.")
                        % {"name": form.instance.name}
                    )
            model = formset.model
            taken = set(model.objects.filter(framework=draft).values_list("code", flat=True))
            instances = formset.save(commit=False)
            for element in formset.deleted_objects:
                element.delete()
            for element in instances:
                element.framework = draft
                if not element.code:
                    element.code = _new_code(element.name_nl, taken)
                element.save()
            formset.save_m2m()
            summary[kind] = {
                "added": len(formset.new_objects),
                "changed": len(formset.changed_objects),
                "deleted": len(formset.deleted_objects),
            }
        audit.record(
            "framework.draft_saved",
            actor=by,
            target=draft,
            circle=draft.circle,
            request=request,
            number=draft.number,
            changes=summary,
        )
    return draft


def publish(draft: Framework, by: User, request: HttpRequest | None = None) -> Framework:
    """The draft becomes the published version authors are offered (its number stays). Older
    versions, and the reflections that point to them, stay exactly as they were."""
    with transaction.atomic():
        _lock(draft.circle)
        draft = Framework.objects.select_for_update().get(pk=draft.pk)
        if draft.is_published:
            raise FrameworkError(_("This version has already been published."))
        draft.status = Framework.Status.PUBLISHED
        draft.published_at = timezone.now()
        draft.published_by = by
        draft.save(update_fields=["status", "published_at", "published_by"])
        audit.record(
            "framework.published",
            actor=by,
            target=draft,
            circle=draft.circle,
            request=request,
            number=draft.number,
        )
    return draft


# What can change about an element from one version to the next, in the order pages show it.
ADDED, RETIRED, RENAMED, DESCRIBED, REGROUPED = (
    "added",
    "retired",
    "renamed",
    "described",
    "regrouped",
)


@dataclass
class ElementChange:
    """One element (by code) in two versions: as it was, as it is, and what changed."""

    code: str
    old: Any
    new: Any
    changes: tuple[str, ...]


@dataclass
class KindComparison:
    kind: str
    rows: list[ElementChange]

    def _with(self, change: str) -> list[ElementChange]:
        return [row for row in self.rows if change in row.changes]

    @property
    def added(self) -> list[ElementChange]:
        return self._with(ADDED)

    @property
    def retired(self) -> list[ElementChange]:
        return self._with(RETIRED)

    @property
    def renamed(self) -> list[ElementChange]:
        return self._with(RENAMED)

    @property
    def described(self) -> list[ElementChange]:
        return self._with(DESCRIBED)

    @property
    def changed(self) -> list[ElementChange]:
        return [row for row in self.rows if row.changes]


def framework_elements(framework: Framework | None) -> dict[str, list]:
    """The version's roles, practices (with their roles) and values, in order: four queries."""
    if framework is None:
        return {kind: [] for kind in KINDS}
    return {
        "roles": list(framework.roles.all()),
        "practices": list(framework.practices.prefetch_related("roles")),
        "values": list(framework.values.all()),
    }


def compare(old: Framework | None, new: Framework) -> dict[str, KindComparison]:
    """Per kind, every element of either version side by side (by code), with what changed:
    added, retired, renamed, a changed description, and for practices the roles they fit."""
    before, after = framework_elements(old), framework_elements(new)
    result = {}
    for kind in KINDS:
        was = {element.code: element for element in before[kind]}
        rows = []
        for element in after[kind]:
            previous = was.pop(element.code, None)
            rows.append(ElementChange(element.code, previous, element, _changes(previous, element)))
        # In the old version only: deleted since (possible only for what was never published).
        rows.extend(ElementChange(code, element, None, ()) for code, element in was.items())
        result[kind] = KindComparison(kind, rows)
    return result


def _changes(old, new) -> tuple[str, ...]:
    if old is None:
        return (ADDED,)
    changes = []
    if new.retired and not old.retired:
        changes.append(RETIRED)
    if (old.name_nl, old.name_en) != (new.name_nl, new.name_en):
        changes.append(RENAMED)
    if old.description != new.description:
        changes.append(DESCRIBED)
    if isinstance(new, Practice) and {r.code for r in old.roles.all()} != {
        r.code for r in new.roles.all()
    }:
        changes.append(REGROUPED)
    return tuple(changes)
