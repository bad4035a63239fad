"""Forms of the reflections app."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from leerkring import text_limits
from reflections.models import ANSWER, Framework, Reflection, ValueNote

# --- Reflections ---

NOT_AT_STAKE = ""


def _described(elements) -> str:
    """The framework's descriptions as help beside a field (escaped here: the field template
    shows help text as HTML)."""
    items = [(e.name, e.description) for e in elements if e.description]
    if not items:
        return ""
    return format_html(
        '<dl class="framework-help">{}</dl>',
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", items),
    )


def _text(label, limit: int = ANSWER, help_text: str = "", rows: int = 6, markdown: bool = True):
    if markdown:
        help_text = format_html(
            "{} {}", help_text, _("You may use Markdown: *italic*, **bold**, lists.")
        )
    return forms.CharField(
        label=label,
        max_length=limit,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ReflectionForm(forms.Form):
    """The long form, in steps (`steps`). Every field is optional here, so a draft can be saved
    half-written; what a submitted reflection needs is checked by the service
    (`submission_problems`) and shown at the fields."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    situation = _text(
        _("The initiative or situation"),
        help_text=_("What happened, who took part, and what was asked of you?"),
    )
    case_date = forms.DateField(
        label=_("Date of the case"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Roughly is fine: the day it started or came to a head."),
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("The roles you took"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    primary_role = forms.ModelChoiceField(
        label=_("Your main role"), queryset=None, required=False, empty_label=_("(not chosen)")
    )
    switched_from = forms.ModelChoiceField(
        label=_("Switched from"),
        queryset=None,
        required=False,
        empty_label=_("(no switch)"),
        help_text=_("Only if you changed role during the case."),
    )
    switched_to = forms.ModelChoiceField(
        label=_("Switched to"), queryset=None, required=False, empty_label=_("(no switch)")
    )
    switch_reason = _text(
        _("Why you switched"), limit=text_limits.DESCRIPTION, rows=3, markdown=False
    )
    practices = forms.ModelMultipleChoiceField(
        label=_("Work practices you used"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tension = _text(
        _("Tension with policy or regulation"),
        help_text=_("Where did rules, policy or procedures get in the way, or help?"),
    )
    professional_knowledge = _text(_("Professional knowledge you used"), rows=4)
    local_knowledge = _text(
        _("Local knowledge you used"),
        help_text=_("What did residents, partners or the neighbourhood know that you needed?"),
        rows=4,
    )
    lesson = _text(_("The lesson"), help_text=_("What would you do again, or differently?"))
    core_questions = forms.ModelMultipleChoiceField(
        label=_("Core questions it speaks to"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting of the circle"),
        queryset=None,
        required=False,
        empty_label=_("(none)"),
        help_text=_("If you write this after a meeting, or bring it to one."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Reflection.Visibility.choices,
        widget=forms.RadioSelect,
        initial=Reflection.Visibility.RESEARCHERS,
        help_text=_("Nobody but you sees a draft. You can change this later."),
    )
    consent = forms.ChoiceField(
        label=_("May the researchers quote you in the publication?"),
        choices=Reflection.Consent.choices,
        widget=forms.RadioSelect,
        initial=Reflection.Consent.NONE,
        help_text=_("You can change or withdraw this at any time."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_title(self) -> str:
        # A title is one line (it goes into e-mail subjects): line breaks and tabs become spaces.
        return " ".join(self.cleaned_data.get("title", "").split())

    def __init__(self, *args, framework: Framework, circle, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        roles = list(framework.roles.filter(retired=False))
        practices = list(framework.practices.filter(retired=False))
        self.values = list(framework.values.filter(retired=False))
        role_qs = framework.roles.filter(retired=False)
        for name in ("roles", "primary_role", "switched_from", "switched_to"):
            self.fields[name].queryset = role_qs
        self.fields["roles"].help_text = _described(roles)
        self.fields["practices"].queryset = framework.practices.filter(retired=False)
        self.fields["practices"].help_text = _described(practices)
        self.fields["core_questions"].queryset = circle.core_questions.all()
        self.fields["meeting"].queryset = circle.meetings.order_by("-starts_at")
        for value in self.values:
            self.fields[f"value_{value.pk}"] = forms.ChoiceField(
                label=value.name,
                choices=[(NOT_AT_STAKE, _("not at stake")), *ValueNote.Effect.choices],
                widget=forms.RadioSelect,
                required=False,
                help_text=format_html("{}", value.description),
            )
            self.fields[f"value_{value.pk}_text"] = forms.CharField(
                label=_("How, for %(value)s") % {"value": value.name},
                max_length=text_limits.SHORT_TEXT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @property
    def steps(self) -> list[tuple[str, list]]:
        """The form's steps on one page: a heading and the fields under it."""
        value_fields = []
        for value in self.values:
            value_fields += [self[f"value_{value.pk}"], self[f"value_{value.pk}_text"]]
        groups = [
            (_("The case"), ["title", "situation", "case_date"]),
            (
                _("Your role"),
                ["roles", "primary_role", "switched_from", "switched_to", "switch_reason"],
            ),
            (_("Work practices"), ["practices"]),
            (_("Democratic values at stake"), None),
            (_("Tension with policy"), ["tension"]),
            (_("Professional and local knowledge"), ["professional_knowledge", "local_knowledge"]),
            (_("The lesson"), ["lesson"]),
            (_("Core questions"), ["core_questions"]),
            (_("Meeting"), ["meeting"]),
            (_("Sharing"), ["visibility", "consent"]),
        ]
        return [
            (heading, value_fields if names is None else [self[name] for name in names])
            for heading, names in groups
        ]

    def data_for_service(self) -> dict:
        """What `save_reflection` takes, from the fields that are valid (a draft with one wrong
        field keeps the others)."""
        cleaned = self.cleaned_data
        data = {name: cleaned[name] for name in cleaned if name not in self.errors}
        data.pop("version", None)
        data.pop("visibility", None)
        data.pop("consent", None)
        for name in ("roles", "practices", "core_questions"):
            if name in data:
                data[name] = list(data[name])
        notes = []
        for value in self.values:
            effect = cleaned.get(f"value_{value.pk}")
            text = cleaned.get(f"value_{value.pk}_text") or ""
            data.pop(f"value_{value.pk}", None)
            data.pop(f"value_{value.pk}_text", None)
            if effect:
                notes.append((value, effect, text))
        data["value_notes"] = notes
        return data

    @staticmethod
    def initial_for(reflection: Reflection) -> dict:
        initial = {
            name: getattr(reflection, name)
            for name in (
                "title",
                "situation",
                "case_date",
                "switch_reason",
                "tension",
                "professional_knowledge",
                "local_knowledge",
                "lesson",
                "visibility",
                "consent",
            )
        }
        initial.update(
            primary_role=reflection.primary_role_id,
            switched_from=reflection.switched_from_id,
            switched_to=reflection.switched_to_id,
            meeting=reflection.meeting_id,
            roles=[r.pk for r in reflection.roles.all()],
            practices=[p.pk for p in reflection.practices.all()],
            core_questions=[q.pk for q in reflection.core_questions.all()],
            version=reflection.version,
        )
        for note in reflection.value_notes.all():
            initial[f"value_{note.value_id}"] = note.effect
            initial[f"value_{note.value_id}_text"] = note.text
        return initial


class SharingForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Who may read it"), choices=Reflection.Visibility.choices, widget=forms.RadioSelect
    )
    consent = forms.ChoiceField(
        label=_("May the researchers quote you in the publication?"),
        choices=Reflection.Consent.choices,
        widget=forms.RadioSelect,
        help_text=_("You can change or withdraw this at any time."),
    )


# --- Conversation ---


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=text_limits.SHORT_TEXT,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
