"""The researchers' coding form and the free-code forms.

The coding form offers two ways to choose a passage: sentences from a list (checkboxes, the way
for the keyboard and screen readers; the chosen ones give one stretch from the first to the
last), or, with the page's script, a mouse selection in the text that fills the hidden start
and end. Neither the reflection nor the coder comes from the form: the view takes them from the
URL and the login."""

from __future__ import annotations

from django import forms
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from leerkring import text_limits
from reflections import services
from reflections.models import FreeCode, Reflection

CODE_GROUPS = (
    ("roles", _("Roles")),
    ("practices", _("Work practices")),
    ("values", _("Democratic values")),
    ("questions", _("Core questions")),
    ("free", _("Free codes")),
)


def sentence_field_name(field: str) -> str:
    return f"sentences_{field}"


class CodingForm(forms.Form):
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    field = forms.ChoiceField(
        label=_("Which part do you code?"),
        widget=forms.RadioSelect,
        required=False,
    )
    start = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    end = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    memo = forms.CharField(
        label=_("Memo"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=text_limits.SHORT_TEXT,
        required=False,
        help_text=_("Why these codes, what you noticed: for yourself and the other researchers."),
    )

    def __init__(self, *args, texts: dict[str, str], code_choices: dict, **kwargs):
        """`texts`: field name → canonical text of the version being coded (only fields with
        text); `code_choices`: group name (CODE_GROUPS) → [(key, label)]."""
        super().__init__(*args, **kwargs)
        self.texts = texts
        labels = {name: Reflection._meta.get_field(name).verbose_name for name in texts}
        self.fields["field"].choices = [
            ("", _("The whole reflection")),
            *((name, str(label).capitalize()) for name, label in labels.items()),
        ]
        self.fields["field"].conditionally_required = True  # empty: the whole reflection
        self.sentence_fields = []
        for name, text in texts.items():
            field_name = sentence_field_name(name)
            self.fields[field_name] = forms.MultipleChoiceField(
                label=str(labels[name]).capitalize(),
                widget=forms.CheckboxSelectMultiple(attrs={"data-field": name}),
                required=False,
                choices=[
                    (f"{start}-{end}", text[start:end]) for start, end in services.sentences(text)
                ],
            )
            # Optional one by one, but not "(optional)": one of the ways to choose is needed.
            self.fields[field_name].conditionally_required = True
            self.sentence_fields.append(field_name)
        self.code_fields = []
        for name, label in CODE_GROUPS:
            choices = code_choices.get(name, [])
            if not choices:
                continue
            self.fields[name] = forms.MultipleChoiceField(
                label=label, widget=forms.CheckboxSelectMultiple, required=False, choices=choices
            )
            self.fields[name].conditionally_required = True  # at least one code, in any group
            self.code_fields.append(name)

    def sentence_boxes(self):
        return [self[name] for name in self.sentence_fields]

    def code_boxes(self):
        return [self[name] for name in self.code_fields]

    def clean(self):
        cleaned = super().clean()
        chosen = {
            name: cleaned.get(sentence_field_name(name)) or []
            for name in self.texts
            if cleaned.get(sentence_field_name(name))
        }
        field = cleaned.get("field") or ""
        if len(chosen) > 1:
            self.add_error(
                "field", _("Choose sentences from one part only; a passage lies in one part.")
            )
            return cleaned
        if chosen:
            ((chosen_field, spans),) = chosen.items()
            if field and field != chosen_field:
                self.add_error("field", _("The sentences you chose are not in the part you chose."))
                return cleaned
            offsets = [tuple(int(n) for n in span.split("-")) for span in spans]
            cleaned["field"] = chosen_field
            cleaned["start"] = min(start for start, _end in offsets)
            cleaned["end"] = max(end for _start, end in offsets)
        elif field and (cleaned.get("start") is None or cleaned.get("end") is None):
            self.add_error(
                "field",
                _("Choose one or more sentences of this part, or the whole reflection."),
            )
        elif not field:
            cleaned["start"] = cleaned["end"] = None
        return cleaned

    def code_keys(self) -> list[str]:
        return [key for name in self.code_fields for key in self.cleaned_data.get(name) or []]


class FreeCodeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=text_limits.DESCRIPTION,
        required=False,
    )

    def __init__(self, *args, circle, **kwargs):
        super().__init__(*args, **kwargs)
        self.circle = circle

    def clean_name(self) -> str:
        name = services.canonical(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("Give the code a name."))
        taken = (
            FreeCode.objects.filter(circle=self.circle)
            .annotate(lower=Lower("name"))
            .filter(lower=name.lower())
        )
        if taken.exists():
            raise forms.ValidationError(
                _("The circle already has a code called “%(name)s” (capitals do not count).")
                % {"name": taken.first().name}
            )
        return name


class MergeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Take it into the framework draft as"),
        choices=FreeCode.Kind.choices,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("Yes, add it to the framework draft (authors get it once the draft is published)."),
        required=True,
    )
