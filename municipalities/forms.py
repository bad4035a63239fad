import datetime

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring import text_limits
from leerkring.models import Circle, CoreQuestion, User
from municipalities.models import MUNICIPAL_ROLES, Municipality, Participation, Role


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CircleForm(forms.ModelForm):
    class Meta:
        model = Circle
        fields = [
            "name",
            "description",
            "start_date",
            "end_date",
            "partners",
            "target_min_municipalities",
            "target_max_municipalities",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.Textarea(attrs={"rows": 3}),
        }


CoreQuestionFormSet = forms.inlineformset_factory(
    Circle,
    CoreQuestion,
    fields=["number", "text"],
    extra=1,
    can_delete=True,
    widgets={"text": forms.Textarea(attrs={"rows": 2})},
)


class MunicipalityForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Municipality
        fields = ["name", "cbs_code", "province", "inhabitants", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [
            ("", _("Choose a province")),
            *(choice for choice in self.fields["province"].choices if choice[0]),
        ]


class CoordinatorMunicipalityForm(MunicipalityForm):
    """Coordinators keep their municipality's details current; its identity (CBS code) is the
    researchers' to set."""

    class Meta(MunicipalityForm.Meta):
        fields = ["name", "province", "inhabitants", "website"]


class AddParticipationForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        help_text=_("Not in the list? Add a new municipality instead."),
    )

    def __init__(self, *args, circle: Circle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.exclude(
            participations__circle=circle
        )
        self.fields["municipality"].empty_label = _("Choose a municipality")


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=text_limits.SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, participation: Participation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = participation.next_statuses


class IntakeNotesForm(forms.ModelForm):
    class Meta:
        model = Participation
        fields = ["intake_notes"]
        widgets = {"intake_notes": forms.Textarea(attrs={"rows": 8})}


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"))
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("Required for coordinators and civil servants."),
    )
    # Required for the municipal roles only (checked in clean): the label must not say
    # "optional" (templates/forms/field.html).
    municipality.conditionally_required = True

    def __init__(self, *args, circle: Circle, roles: list[str], municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_municipality = municipality
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]
        if municipality is not None:
            # A coordinator invites into their own municipality only: no choice to offer.
            del self.fields["municipality"]
        else:
            self.fields["municipality"].queryset = Municipality.objects.filter(
                participations__circle=circle,
                participations__status__in=Participation.ACTIVE,
            )
            self.fields["municipality"].empty_label = _("Choose a municipality")

    def clean(self):
        cleaned = super().clean()
        if self.fixed_municipality is not None:
            cleaned["municipality"] = self.fixed_municipality
        role, municipality = cleaned.get("role"), cleaned.get("municipality")
        if role in MUNICIPAL_ROLES and municipality is None and "municipality" in self.fields:
            self.add_error("municipality", _("Choose the municipality this person takes part for."))
        return cleaned


class AcceptInvitationForm(forms.Form):
    """Account set-up for an invited person: the e-mail address comes from the invitation."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            try:
                password_validation.validate_password(
                    password1, User(email=self.email, name=cleaned.get("name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AuditLogFilterForm(forms.Form):
    """The audit log's filters: who, what and when. Read from the query string, so a filtered
    log can be bookmarked; a value that does not fit is reported at its field and ignored."""

    wie = forms.TypedChoiceField(
        label=_("Who"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose someone from the list.")},
    )
    wat = forms.ChoiceField(
        label=_("What"),
        required=False,
        error_messages={"invalid_choice": _("Choose a kind of event from the list.")},
    )
    van = forms.DateField(label=_("From"), required=False, widget=DateInput)
    tot = forms.DateField(label=_("Until"), required=False, widget=DateInput)

    def __init__(self, *args, people: list[User], kinds: list, other_codes: list[str], **kwargs):
        """`kinds`: the described event kinds, grouped (as `audit.circle_log_kinds()` gives
        them); `other_codes`: codes in this log that nobody described."""
        super().__init__(*args, **kwargs)
        self.fields["wie"].choices = [
            ("", _("Everyone")),
            *((p.pk, f"{p.name} ({p.email})" if p.name else p.email) for p in people),
        ]
        groups = [
            (group, [(kind.code, kind.label) for kind in members]) for group, members in kinds
        ]
        if other_codes:
            groups.append((_("Other"), [(code, code) for code in other_codes]))
        self.fields["wat"].choices = [("", _("All events")), *groups]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("van"), cleaned.get("tot")
        if start and end and end < start:
            self.add_error("tot", _("This date is before the “From” date."))
        return cleaned

    def filter(self, events):
        """The events that pass the filters that are valid (call after `is_valid()`)."""
        data = getattr(self, "cleaned_data", {})
        zone = timezone.get_current_timezone()
        if data.get("wie"):
            events = events.filter(actor_id=data["wie"])
        if data.get("wat"):
            events = events.filter(action=data["wat"])
        if data.get("van"):
            start = datetime.datetime.combine(data["van"], datetime.time.min, tzinfo=zone)
            events = events.filter(created_at__gte=start)
        if data.get("tot"):
            day_after = data["tot"] + datetime.timedelta(days=1)
            events = events.filter(
                created_at__lt=datetime.datetime.combine(day_after, datetime.time.min, tzinfo=zone)
            )
        return events
