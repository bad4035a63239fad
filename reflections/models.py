"""The circle's framework (in published versions) and the civil servants' reflections on their
own cases, with their revisions, the conversation with the researchers, and consent."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from leerkring import text_limits
from leerkring.models import Circle, CoreQuestion
from municipalities.models import Municipality
from reflections.querysets import (
    CommentQuerySet,
    FrameworkQuerySet,
    FreeCodeQuerySet,
    PassageQuerySet,
    ReflectionQuerySet,
    RevisionQuerySet,
)
from sessions.models import Meeting

# A reflection's longer answers: a case told in a few paragraphs.
ANSWER = 5_000


class Framework(models.Model):
    """One version of a circle's framework (denk- en handelingskader). Researchers edit the one
    draft and publish it; a published version never changes, so what older reflections were
    written and coded against stays as it was."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    circle = models.ForeignKey(
        Circle, verbose_name=_("circle"), on_delete=models.CASCADE, related_name="frameworks"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        ordering = ["circle", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "number"], name="framework_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["circle"],
                condition=Q(status="draft"),
                name="framework_one_draft_per_circle",
                violation_error_message=_("The circle already has a draft of its framework."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.circle} · {_('version')} {self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class FrameworkElement(models.Model):
    """What roles, work practices and values share. `code` stays the same from one version to
    the next, so versions can be compared element by element."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework version"), on_delete=models.CASCADE
    )
    code = models.SlugField(_("code"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_nl = models.CharField(_("Dutch name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    description = models.TextField(_("description"), max_length=text_limits.DESCRIPTION, blank=True)
    # Kept in the version that retires it (so the comparison says so), never offered again.
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        abstract = True
        ordering = ["framework", "position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


def _unique_code(model: str):
    return models.UniqueConstraint(fields=["framework", "code"], name=f"{model}_code_unique")


class Role(FrameworkElement):
    """A role of government toward citizens' initiatives, ordered from most to least
    government-led (position): reguleren, regisseren, sturen, faciliteren, loslaten."""

    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework version"),
        on_delete=models.CASCADE,
        related_name="roles",
    )

    class Meta(FrameworkElement.Meta):
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [_unique_code("role")]


class Practice(FrameworkElement):
    """A work practice (werkvorm), with the roles it fits."""

    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework version"),
        on_delete=models.CASCADE,
        related_name="practices",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("fits the roles"), blank=True)

    class Meta(FrameworkElement.Meta):
        verbose_name = _("work practice")
        verbose_name_plural = _("work practices")
        constraints = [_unique_code("practice")]


class Value(FrameworkElement):
    """A democratic value: gelijkheid en inclusie, verantwoording, deliberatie."""

    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework version"),
        on_delete=models.CASCADE,
        related_name="values",
    )

    class Meta(FrameworkElement.Meta):
        verbose_name = _("democratic value")
        verbose_name_plural = _("democratic values")
        constraints = [_unique_code("value")]


class Reflection(models.Model):
    """A civil servant's reflection on a case from their own work, in their municipality,
    against a published version of the circle's framework."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("only me")
        RESEARCHERS = "researchers", _("me and the researchers")
        MUNICIPALITY = "municipality", _("my municipality's members and the researchers")
        CIRCLE = "circle", _("the whole circle")

    class Consent(models.TextChoices):
        NONE = "none", _("do not quote me")
        ANONYMOUS = "anonymous", _("you may quote me without my name")
        NAMED = "named", _("you may quote me with my name and municipality")

    circle = models.ForeignKey(
        Circle, verbose_name=_("circle"), on_delete=models.CASCADE, related_name="reflections"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="reflections",
    )
    # The author's municipality in the circle when they wrote it (none for a trainer).
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reflections",
    )
    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework version"),
        on_delete=models.PROTECT,
        related_name="reflections",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reflections",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    visibility = models.CharField(
        _("who may read it"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.RESEARCHERS,
    )
    consent = models.CharField(
        _("quotation"), max_length=10, choices=Consent.choices, default=Consent.NONE
    )

    title = models.CharField(_("title"), max_length=200)
    situation = models.TextField(_("the initiative or situation"), max_length=ANSWER, blank=True)
    case_date = models.DateField(_("date of the case"), null=True, blank=True)
    roles = models.ManyToManyField(
        Role, verbose_name=_("roles you took"), blank=True, related_name="reflections"
    )
    primary_role = models.ForeignKey(
        Role,
        verbose_name=_("main role"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    switched_from = models.ForeignKey(
        Role,
        verbose_name=_("switched from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    switched_to = models.ForeignKey(
        Role,
        verbose_name=_("switched to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    switch_reason = models.TextField(
        _("why you switched"), max_length=text_limits.DESCRIPTION, blank=True
    )
    practices = models.ManyToManyField(
        Practice, verbose_name=_("work practices used"), blank=True, related_name="reflections"
    )
    tension = models.TextField(
        _("tension with policy or regulation"), max_length=ANSWER, blank=True
    )
    professional_knowledge = models.TextField(
        _("professional knowledge used"), max_length=ANSWER, blank=True
    )
    local_knowledge = models.TextField(_("local knowledge used"), max_length=ANSWER, blank=True)
    lesson = models.TextField(_("the lesson"), max_length=ANSWER, blank=True)
    core_questions = models.ManyToManyField(
        CoreQuestion,
        verbose_name=_("core questions it speaks to"),
        blank=True,
        related_name="reflections",
    )

    # Optimistic concurrency: a save based on an older version is refused, not lost.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Set when a researcher first codes it: from then on an edit keeps the earlier text.
    coded_at = models.DateTimeField(_("coded at"), null=True, blank=True)
    # Marked by a researcher as a case worth telling (in the workbench and the publication).
    exemplary = models.BooleanField(_("exemplary"), default=False)
    # PostgreSQL only: a column `search_vector` (tsvector, GIN-indexed) that database triggers keep
    # current from the text fields and the value notes (migration 0002). It is not a model field:
    # nothing in Python writes it, so nothing in Python can forget to.

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["circle", "status", "visibility"]),
            # The workbench's list, newest first: read in index order, it stops after a page.
            models.Index(fields=["circle", "-submitted_at", "-id"], name="reflection_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="reflection_submitted_has_a_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reflections:detail", args=[self.circle.slug, self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class ValueNote(models.Model):
    """For one democratic value at stake in the case: how it was served or strained."""

    class Effect(models.TextChoices):
        SERVED = "served", _("served")
        STRAINED = "strained", _("strained")
        BOTH = "both", _("both served and strained")

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="value_notes")
    value = models.ForeignKey(
        Value, verbose_name=_("value"), on_delete=models.PROTECT, related_name="notes"
    )
    effect = models.CharField(_("effect"), max_length=10, choices=Effect.choices)
    text = models.TextField(_("how"), max_length=text_limits.SHORT_TEXT, blank=True)

    class Meta:
        verbose_name = _("value at stake")
        verbose_name_plural = _("values at stake")
        ordering = ["reflection", "value__position"]
        constraints = [
            models.UniqueConstraint(fields=["reflection", "value"], name="value_note_once")
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.get_effect_display()}"


class Revision(models.Model):
    """The text of a reflection at one version, kept once a researcher has coded it: coded
    passages point into a revision's text, so they stay right when the author edits later."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    # The reflection's `version` this is the text of (empty for revisions kept before the
    # workbench recorded it).
    reflection_version = models.PositiveIntegerField(_("version of the reflection"), null=True)
    # The text fields and choices as they were (field name → value), in the canonical form the
    # workbench codes against: NFC, "\n" line endings.
    content = models.JSONField(_("content"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["reflection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["reflection", "number"], name="revision_number_once"),
            models.UniqueConstraint(
                fields=["reflection", "reflection_version"], name="revision_of_a_version_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reflection} · {self.number}"


class Comment(models.Model):
    """The conversation about a reflection between its author and the researchers."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="reflection_comments",
    )
    text = models.TextField(_("comment"), max_length=text_limits.SHORT_TEXT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["reflection", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class MeetingPrompt(models.Model):
    """The e-mail inviting someone who attended a meeting to reflect on it: its existence
    decides that it is not sent twice."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meeting_prompt_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.meeting}"


PASSAGE_CODE_TARGETS = {
    "role": "role",
    "practice": "practice",
    "value": "value",
    "question": "core_question",
    "free": "free_code",
}


def _exactly_one_target() -> Q:
    condition = Q()
    for kind, field in PASSAGE_CODE_TARGETS.items():
        others = {
            f"{name}__isnull": True for name in PASSAGE_CODE_TARGETS.values() if name != field
        }
        condition |= Q(kind=kind, **{f"{field}__isnull": False}, **others)
    return condition


class FreeCode(models.Model):
    """A code of the researchers' own, beside the framework's elements. When it proves itself
    it can be merged into the framework draft as a role, work practice or value; then it is
    recorded here what it became (its codings stay as they are)."""

    class Kind(models.TextChoices):
        ROLE = "role", _("role")
        PRACTICE = "practice", _("work practice")
        VALUE = "value", _("democratic value")

    circle = models.ForeignKey(
        Circle, verbose_name=_("circle"), on_delete=models.CASCADE, related_name="free_codes"
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), max_length=text_limits.DESCRIPTION, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    merged_as = models.CharField(
        _("merged into the framework as"), max_length=10, choices=Kind.choices, blank=True
    )
    merged_code = models.SlugField(_("code in the framework"), max_length=50, blank=True)
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)

    objects = FreeCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("free code")
        verbose_name_plural = _("free codes")
        ordering = ["circle", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "circle",
                name="free_code_name_once_per_circle",
                violation_error_message=_("The circle already has a code with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Passage(models.Model):
    """What a researcher coded: a stretch of one field of one revision (`field`, `start`, `end`
    in Unicode code points of that revision's canonical text: NFC, "\n" line endings), or the
    whole reflection (`field` empty), with the codes chosen and a memo."""

    reflection = models.ForeignKey(
        Reflection, verbose_name=_("reflection"), on_delete=models.CASCADE, related_name="passages"
    )
    revision = models.ForeignKey(
        Revision, verbose_name=_("revision"), on_delete=models.PROTECT, related_name="passages"
    )
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coded by"),
        on_delete=models.CASCADE,
        related_name="passages",
    )
    field = models.CharField(_("field"), max_length=30, blank=True)
    start = models.PositiveIntegerField(_("start"), null=True, blank=True)
    end = models.PositiveIntegerField(_("end"), null=True, blank=True)
    memo = models.TextField(_("memo"), max_length=text_limits.SHORT_TEXT, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PassageQuerySet.as_manager()

    class Meta:
        verbose_name = _("coded passage")
        verbose_name_plural = _("coded passages")
        ordering = ["reflection", "field", "start", "id"]
        indexes = [models.Index(fields=["reflection", "coder"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(field="", start__isnull=True, end__isnull=True)
                    | (~Q(field="") & Q(start__isnull=False, end__isnull=False, end__gt=F("start")))
                ),
                name="passage_whole_or_a_stretch",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reflection} · {self.field or '*'} {self.start}–{self.end}"

    @property
    def is_whole(self) -> bool:
        return not self.field


class PassageCode(models.Model):
    """One code on a passage: exactly one of a role, work practice, value, core question or
    free code. Framework elements are matched across versions by their `code`."""

    class Kind(models.TextChoices):
        ROLE = "role", _("role")
        PRACTICE = "practice", _("work practice")
        VALUE = "value", _("democratic value")
        QUESTION = "question", _("core question")
        FREE = "free", _("free code")

    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="codes")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    role = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.ForeignKey(
        Value, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    core_question = models.ForeignKey(
        CoreQuestion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    free_code = models.ForeignKey(
        FreeCode, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )

    class Meta:
        verbose_name = _("code on a passage")
        verbose_name_plural = _("codes on passages")
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_target(),
                name="passage_code_one_target",
            )
        ]

    def __str__(self) -> str:
        return str(self.target)

    @property
    def target(self):
        return getattr(self, PASSAGE_CODE_TARGETS[self.kind])

    @property
    def key(self) -> str:
        """The code as the workbench's filters and the agreement figure know it, the same in
        every framework version: "role:faciliteren", "question:2", "free:17"."""
        target = self.target
        if self.kind == self.Kind.QUESTION:
            return f"question:{target.number}"
        if self.kind == self.Kind.FREE:
            return f"free:{target.pk}"
        return f"{self.kind}:{target.code}"
