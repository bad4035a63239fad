"""Writes of the reflections app: the framework, reflections, the conversation about them and
the invitation to reflect after a meeting."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from leerkring import audit
from leerkring.models import Circle, CoreQuestion, User
from leerkring.roles import Role
from leerkring.services import queue_email
from municipalities.models import Membership
from reflections.models import (
    PASSAGE_CODE_TARGETS,
    Comment,
    Framework,
    FreeCode,
    MeetingPrompt,
    Passage,
    PassageCode,
    Practice,
    Reflection,
    Revision,
    Value,
    ValueNote,
)
from reflections.models import Role as FrameworkRole
from sessions.models import Meeting, Registration

# --- Conversation ---


def comment_recipients(reflection: Reflection, commenter: User) -> list[User]:
    """The other side of the conversation: when the author writes, the circle's researchers who
    may read the reflection; when a researcher writes, the author."""
    if commenter.pk == reflection.author_id:
        researchers = (
            User.objects.filter(
                is_active=True,
                memberships__circle_id=reflection.circle_id,
                memberships__role=Role.RESEARCHER,
            )
            .exclude(pk=commenter.pk)
            .order_by("pk")
            .distinct()
        )
        return [
            user for user in researchers if user.has_perm("reflections.view_reflection", reflection)
        ]
    author = reflection.author
    # Not to an author who has since left the circle: they could not open it any more.
    may_read = author.is_active and author.has_perm("reflections.view_reflection", reflection)
    return [author] if may_read else []


def add_comment(
    reflection: Reflection, author: User, text: str, request: HttpRequest | None = None
) -> Comment:
    """A comment in the conversation about a reflection (the view checked
    `reflections.add_comment`). The e-mails to the other side go into the outbox in the same
    transaction, so they are sent after commit, or not at all."""
    with transaction.atomic():
        comment = Comment.objects.create(reflection=reflection, author=author, text=text)
        audit.record(
            "reflection.commented",
            actor=author,
            target=reflection,
            request=request,
            comment=comment.pk,
        )
        link = settings.SITE_URL + reflection.get_absolute_url() + f"#comment-{comment.pk}"
        for recipient in comment_recipients(reflection, author):
            _mail(
                recipient,
                "comment",
                {"comment": comment, "reflection": reflection, "commenter": author, "link": link},
            )
    return comment


def _mail(user: User, template: str, context: dict) -> None:
    """An e-mail in the recipient's own language, with times in the platform's time zone."""
    context = {**context, "user": user, "site_url": settings.SITE_URL}
    with translation.override(user.language), timezone.override(settings.TIME_ZONE):
        queue_email(
            to=user.email,
            # One line, whatever the title holds: a header never takes a line break.
            subject=" ".join(
                render_to_string(f"reflections/email/{template}_subject.txt", context).split()
            ),
            body=render_to_string(f"reflections/email/{template}_body.txt", context),
        )


# --- After a meeting ---


def send_meeting_prompts(meeting_id: int) -> int:
    """Invite everyone who attended the meeting (and may write reflections in its circle) to
    reflect on it: one e-mail per person per meeting, whatever runs it again. Each invitation's
    record and its e-mail commit together, or neither does. Returns how many were sent."""
    meeting = Meeting.objects.select_related("circle").get(pk=meeting_id)
    if meeting.is_cancelled:
        return 0
    attendees = (
        Registration.objects.filter(
            meeting=meeting,
            status=Registration.Status.CONFIRMED,
            attended=True,
            user__is_active=True,
        )
        .exclude(user__in=MeetingPrompt.objects.filter(meeting=meeting).values("user"))
        .select_related("user")
        .order_by("pk")
    )
    link = (
        settings.SITE_URL
        + reverse("reflections:new", args=[meeting.circle.slug])
        + f"?bijeenkomst={meeting.pk}"
    )
    sent = 0
    for registration in attendees:
        user = registration.user
        if not user.has_perm("reflections.add_reflection", meeting.circle):
            continue
        try:
            with transaction.atomic():
                MeetingPrompt.objects.create(meeting=meeting, user=user)
                _mail(user, "meeting_prompt", {"meeting": meeting, "link": link})
        except IntegrityError:  # another run got there first
            continue
        sent += 1
    return sent


# --- Reflections ---
#
# Writing and sharing a reflection. The author's municipality comes from their membership and the
# framework from the circle's latest published version, never from a form.


class NoPublishedFramework(Exception):
    """The circle has no published framework yet, so there is nothing to write against."""


class EditConflict(Exception):
    """The reflection was saved elsewhere (another tab) after this form was opened."""

    def __init__(self, current: Reflection):
        super().__init__(current)
        self.current = current


class IncompleteReflection(Exception):
    """What a submitted reflection needs is missing (field name → message)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


# The fields the form writes, beside the many-to-many ones and the value notes.
TEXT_FIELDS = (
    "title",
    "situation",
    "switch_reason",
    "tension",
    "professional_knowledge",
    "local_knowledge",
    "lesson",
)
PLAIN_FIELDS = (
    *TEXT_FIELDS,
    "case_date",
    "primary_role",
    "switched_from",
    "switched_to",
    "meeting",
)
MANY_FIELDS = ("roles", "practices", "core_questions")


def canonical(text: str) -> str:
    """The form the workbench codes against: NFC, "\\n" line endings."""
    return unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n").replace("\r", "\n"))


def start_reflection(author: User, circle: Circle, meeting: Meeting | None = None) -> Reflection:
    membership = Membership.objects.get(user=author, circle=circle)
    framework = Framework.objects.filter(circle=circle).published().order_by("-number").first()
    if framework is None:
        raise NoPublishedFramework(circle)
    if meeting is not None and meeting.circle_id != circle.pk:
        meeting = None
    with transaction.atomic():
        reflection = Reflection.objects.create(
            circle=circle,
            author=author,
            municipality_id=membership.municipality_id,
            framework=framework,
            meeting=meeting,
            title="",
        )
        audit.record("reflection.started", actor=author, target=reflection)
    return reflection


def reflection_content(reflection: Reflection) -> dict[str, Any]:
    """The reflection's text and choices as they are now, for a revision."""
    content: dict[str, Any] = {name: canonical(getattr(reflection, name)) for name in TEXT_FIELDS}
    content["case_date"] = reflection.case_date.isoformat() if reflection.case_date else None
    for name in ("primary_role", "switched_from", "switched_to"):
        role = getattr(reflection, name)
        content[name] = role.name_nl if role else None
    content["roles"] = sorted(role.name_nl for role in reflection.roles.all())
    content["practices"] = sorted(practice.name_nl for practice in reflection.practices.all())
    content["core_questions"] = sorted(q.number for q in reflection.core_questions.all())
    content["values"] = [
        {"value": note.value.name_nl, "effect": note.effect, "text": canonical(note.text)}
        for note in reflection.value_notes.select_related("value")
    ]
    return content


def save_reflection(
    reflection: Reflection, data: dict[str, Any], by: User, based_on_version: int
) -> Reflection:
    """Save what the form holds (keys of PLAIN_FIELDS and MANY_FIELDS, and `value_notes`: a list
    of (value, effect, text)); only the keys present are written, so a draft with an invalid
    field keeps the rest. Refused with EditConflict when someone saved since `based_on_version`."""
    with transaction.atomic():
        current = Reflection.objects.select_for_update().get(pk=reflection.pk)
        if current.version != based_on_version:
            raise EditConflict(current)
        if current.coded_at is not None:
            _keep_revision(current, by)
        for name in PLAIN_FIELDS:
            if name in data:
                value = data[name]
                setattr(current, name, canonical(value) if name in TEXT_FIELDS else value)
        current.version += 1
        current.save()
        for name in MANY_FIELDS:
            if name in data:
                getattr(current, name).set(data[name])
        if "value_notes" in data:
            current.value_notes.all().delete()
            ValueNote.objects.bulk_create(
                ValueNote(reflection=current, value=value, effect=effect, text=canonical(text))
                for value, effect, text in data["value_notes"]
            )
        audit.record("reflection.saved", actor=by, target=current, version=current.version)
    return current


def submission_problems(reflection: Reflection) -> dict[str, str]:
    """What a submitted reflection still lacks, by field."""
    problems = {}
    if not reflection.title.strip():
        problems["title"] = _("Give your reflection a title.")
    if not reflection.situation.strip():
        problems["situation"] = _("Describe the initiative or situation.")
    role_ids = set(reflection.roles.values_list("pk", flat=True))
    if not role_ids:
        problems["roles"] = _("Choose at least one role you took.")
    elif reflection.primary_role_id not in role_ids:
        problems["primary_role"] = _("Choose your main role from the roles you took.")
    if not reflection.lesson.strip():
        problems["lesson"] = _("Write down the lesson.")
    return problems


def submit(reflection: Reflection, by: User) -> Reflection:
    with transaction.atomic():
        current = Reflection.objects.select_for_update().get(pk=reflection.pk)
        if not current.is_draft:
            return current
        problems = submission_problems(current)
        if problems:
            raise IncompleteReflection(problems)
        current.status = Reflection.Status.SUBMITTED
        current.submitted_at = timezone.now()
        current.save(update_fields=["status", "submitted_at", "updated_at"])
        audit.record("reflection.submitted", actor=by, target=current)
    return current


def set_visibility(reflection: Reflection, visibility: str, by: User) -> Reflection:
    return _change_choice(
        reflection,
        "visibility",
        visibility,
        Reflection.Visibility,
        "reflection.visibility_changed",
        by,
    )


def set_consent(reflection: Reflection, consent: str, by: User) -> Reflection:
    """Changeable and withdrawable at any time; every change is in the log (from → to)."""
    return _change_choice(
        reflection, "consent", consent, Reflection.Consent, "reflection.consent_changed", by
    )


def _change_choice(reflection, field: str, value: str, choices, action: str, by: User):
    """Set one of the author's choices on the locked row; a change is audited from → to."""
    if value not in choices.values:
        raise ValueError(value)
    with transaction.atomic():
        current = Reflection.objects.select_for_update().get(pk=reflection.pk)
        before = getattr(current, field)
        if before != value:
            setattr(current, field, value)
            current.save(update_fields=[field, "updated_at"])
            audit.record(action, actor=by, target=current, **{"from": before, "to": value})
    return current


# --- Coding (the researchers' workbench) ---
#
# A researcher codes the text of one version of a reflection: the first coding of a version
# keeps that text as a Revision, and a passage points into it by field and offsets (Unicode code
# points of the canonical text). When the author edits afterwards, the passage still points at
# the words it was made on, in the revision it belongs to.


class CodingProblem(Exception):
    """A coding the workbench refuses (field name → message for the person)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


def _keep_revision(reflection: Reflection, by: User | None) -> Revision:
    """The revision holding the reflection's text at its current version (locked row)."""
    existing = reflection.revisions.filter(reflection_version=reflection.version).first()
    if existing is not None:
        return existing
    number = (reflection.revisions.aggregate(last=Max("number"))["last"] or 0) + 1
    return Revision.objects.create(
        reflection=reflection,
        number=number,
        reflection_version=reflection.version,
        content=reflection_content(reflection),
        created_by=by,
    )


CODED_FIELDS = TEXT_FIELDS


def resolve_codes(reflection: Reflection, keys: list[str]) -> list[PassageCode]:
    """Unsaved PassageCode rows for code keys ("role:faciliteren", "question:2", "free:17"),
    looked up in the reflection's framework version and circle. Unknown keys are refused."""
    codes, unknown = [], []
    for key in dict.fromkeys(keys):
        kind, _sep, ident = key.partition(":")
        target = None
        if kind in ("role", "practice", "value"):
            model = {"role": FrameworkRole, "practice": Practice, "value": Value}[kind]
            target = model.objects.filter(framework_id=reflection.framework_id, code=ident).first()
        elif kind == "question" and ident.isdigit():
            target = CoreQuestion.objects.filter(
                circle_id=reflection.circle_id, number=int(ident)
            ).first()
        elif kind == "free" and ident.isdigit():
            target = FreeCode.objects.filter(circle_id=reflection.circle_id, pk=int(ident)).first()
        if target is None:
            unknown.append(key)
            continue
        codes.append(PassageCode(kind=kind, **{PASSAGE_CODE_TARGETS[kind]: target}))
    if unknown:
        raise CodingProblem(
            {
                "codes": _("These codes do not exist in this circle: %(codes)s")
                % {"codes": ", ".join(unknown)}
            }
        )
    return codes


def code_passage(
    reflection: Reflection,
    by: User,
    *,
    based_on_version: int,
    field: str = "",
    start: int | None = None,
    end: int | None = None,
    codes: list[str],
    memo: str = "",
    request: HttpRequest | None = None,
) -> Passage:
    """Code a stretch of one field (or, with no field, the whole reflection) of the version the
    researcher was reading. Refused when the text changed since (`based_on_version`), when the
    stretch is outside the text or only whitespace, or when no code is chosen."""
    problems: dict[str, str] = {}
    if not codes:
        problems["codes"] = _("Choose at least one code.")
    if field and field not in CODED_FIELDS:
        problems["field"] = _("Choose a part of the reflection.")
    with transaction.atomic():
        current = Reflection.objects.select_for_update().get(pk=reflection.pk)
        if current.is_draft:
            raise CodingProblem({"field": _("A draft cannot be coded.")})
        if current.version != based_on_version:
            raise CodingProblem(
                {
                    "field": _(
                        "The author changed the reflection since you opened it. "
                        "Look at the new text and choose the passage again."
                    )
                }
            )
        if field and "field" not in problems:
            text = canonical(getattr(current, field))
            if start is None or end is None or not (0 <= start < end <= len(text)):
                problems["start"] = _("Choose a passage inside the text.")
            elif not text[start:end].strip():
                problems["start"] = _("A passage of only spaces or blank lines cannot be coded.")
        elif not field:
            start = end = None
        if problems:
            raise CodingProblem(problems)
        applied = resolve_codes(current, codes)
        revision = _keep_revision(current, by)
        if current.coded_at is None:
            current.coded_at = timezone.now()
            current.save(update_fields=["coded_at"])
        passage = Passage.objects.create(
            reflection=current,
            revision=revision,
            coder=by,
            field=field,
            start=start,
            end=end,
            memo=canonical(memo).strip(),
        )
        for code in applied:
            code.passage = passage
        PassageCode.objects.bulk_create(applied)
        audit.record(
            "reflection.coded",
            actor=by,
            target=current,
            request=request,
            field=field or "*",
            codes=[code.key for code in applied],
        )
    return passage


def remove_passage(passage: Passage, by: User, request: HttpRequest | None = None) -> None:
    """A researcher takes back their own coding (another researcher's stays theirs)."""
    if passage.coder_id != by.pk:
        raise PermissionError(passage)
    with transaction.atomic():
        reflection = passage.reflection
        passage.delete()
        audit.record("reflection.coding_removed", actor=by, target=reflection, request=request)


def set_exemplary(
    reflection: Reflection, exemplary: bool, by: User, request: HttpRequest | None = None
) -> Reflection:
    with transaction.atomic():
        current = Reflection.objects.select_for_update().get(pk=reflection.pk)
        if current.exemplary != exemplary:
            current.exemplary = exemplary
            current.save(update_fields=["exemplary"])
            audit.record(
                "reflection.exemplary_marked" if exemplary else "reflection.exemplary_unmarked",
                actor=by,
                target=current,
                request=request,
            )
    return current


def add_free_code(
    circle: Circle, by: User, name: str, description: str = "", request: HttpRequest | None = None
) -> FreeCode:
    with transaction.atomic():
        code = FreeCode.objects.create(
            circle=circle, name=name.strip(), description=description.strip(), created_by=by
        )
        audit.record("free_code.added", actor=by, target=circle, request=request, name=code.name)
    return code


def merge_free_code(
    code: FreeCode, kind: str, by: User, request: HttpRequest | None = None
) -> FreeCode:
    """Take a free code into the framework draft (started if there is none) as a new role,
    work practice or value; from the next published version it is part of the framework.
    Its codings stay on the free code."""
    if kind not in FreeCode.Kind.values:
        raise ValueError(kind)
    with transaction.atomic():
        current = FreeCode.objects.select_for_update().get(pk=code.pk)
        if current.merged_at is not None:
            raise FrameworkError(_("This code is already part of the framework."))
        circle = current.circle
        draft = draft_framework(circle) or start_draft(circle, by, request=request)
        model = {"role": FrameworkRole, "practice": Practice, "value": Value}[kind]
        taken = set(model.objects.filter(framework=draft).values_list("code", flat=True))
        element_code = _new_code(current.name, taken)
        last = model.objects.filter(framework=draft).aggregate(last=Max("position"))["last"]
        model.objects.create(
            framework=draft,
            code=element_code,
            position=(last or 0) + 1,
            name_nl=current.name[:100],
            name_en=current.name[:100],
            description=current.description,
        )
        current.merged_as = kind
        current.merged_code = element_code
        current.merged_at = timezone.now()
        current.save(update_fields=["merged_as", "merged_code", "merged_at"])
        audit.record(
            "free_code.merged",
            actor=by,
            target=circle,
            request=request,
            name=current.name,
            kind=kind,
            code=element_code,
        )
    return current


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of a canonical text as (start, end) offsets, without surrounding
    whitespace: what a keyboard user chooses from instead of drag-selecting. A sentence ends at
    . ! ? or … followed by whitespace, or at a line break."""
    spans = []
    for match in SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


# One terminator before whitespace, not a run of them: "[.!?…]+" after a lazy "+?" made a line
# of 5,000 "!" take half a second (quadratic); this gives the same sentences in linear time.
SENTENCE = re.compile(r"[^\n]+?(?:[.!?…](?=\s)|(?=\n)|$)")


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
