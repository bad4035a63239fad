import datetime

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from leerkring.models import Circle, CoreQuestion, User
from municipalities.models import Municipality, Participation
from sessions.models import AgendaItem, Meeting, Outcome


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(forms.ModelForm):
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "host",
            "capacity",
            "description",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, circle: Circle, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.circle = circle
        self.fields["host"].queryset = Municipality.objects.filter(
            participations__circle=circle, participations__status__in=Participation.ACTIVE
        )
        self.fields["host"].empty_label = _("No host municipality")


class SeriesForm(forms.Form):
    title = forms.CharField(label=_("Title"), initial=_("Reflection meeting"), max_length=150)
    months = forms.TypedMultipleChoiceField(
        label=_("Months"),
        choices=[(number, name) for number, name in MONTHS.items()],
        coerce=int,
        initial=[3, 9],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The circle meets every half year, for example in March and September."),
    )
    day = forms.IntegerField(label=_("Day of the month"), min_value=1, max_value=31, initial=15)
    start = forms.TimeField(
        label=_("Start time"),
        initial=datetime.time(13, 30),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    end = forms.TimeField(
        label=_("End time"),
        initial=datetime.time(17, 0),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        return cleaned


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "duration_minutes", "presenter", "core_question"]

    def __init__(self, *args, circle: Circle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["core_question"].queryset = CoreQuestion.objects.filter(circle=circle)
        self.fields["core_question"].empty_label = _("No particular core question")


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 14})}


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["kind", "text", "assignee", "due_date"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"assignee": _("Who"), "due_date": _("By when")}
        help_texts = {
            "assignee": _(
                "Required for an agreement: the person who takes it on. Leave empty for a "
                "challenge or a solution."
            ),
            "due_date": _("For an agreement."),
        }

    def __init__(self, *args, circle: Circle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Choose the kind of outcome")), *Outcome.Kind.choices]
        assignee = self.fields["assignee"]
        assignee.queryset = User.objects.filter(memberships__circle=circle).order_by("name")
        assignee.empty_label = _("Nobody (not an agreement)")
        # Required for one kind only: its label must not say "optional" (forms/field.html).
        assignee.conditionally_required = True

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Outcome.Kind.AGREEMENT and not cleaned.get("assignee"):
            self.add_error("assignee", _("An agreement needs someone who takes it on."))
        return cleaned
