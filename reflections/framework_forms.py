"""The forms of the framework's draft: one formset per kind of element (roles, work practices,
democratic values). An element that was in a published version can only be retired, so its form
has no delete box."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reflections.models import Framework, Practice, Role, Value

ELEMENT_FIELDS = ["name_nl", "name_en", "description", "position", "retired"]
WIDGETS = {"description": forms.Textarea(attrs={"rows": 3})}
HELP = {
    "retired": _("Retired elements stay in this version but are no longer offered to authors."),
    "position": _("The order on the framework page: lower numbers first."),
}


class ElementFormSet(forms.BaseInlineFormSet):
    """`protected`: the codes of this kind that were in a published version."""

    def __init__(self, *args, protected: set[str] = frozenset(), **kwargs):
        self.protected = protected
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        instance = form.instance
        if instance.pk is None or instance.code in self.protected:
            form.fields.pop(forms.formsets.DELETION_FIELD_NAME, None)
        else:
            form.fields[forms.formsets.DELETION_FIELD_NAME].label = _(
                "Delete (new in this draft, never published)"
            )


def _formset(model, fields, **extra):
    return forms.inlineformset_factory(
        Framework,
        model,
        formset=ElementFormSet,
        fields=fields,
        extra=1,
        can_delete=True,
        can_delete_extra=False,
        widgets=WIDGETS,
        help_texts=HELP,
        **extra,
    )


RoleFormSet = _formset(Role, ELEMENT_FIELDS)
ValueFormSet = _formset(Value, ELEMENT_FIELDS)


class PracticeForm(forms.ModelForm):
    """A practice with the roles of the same version it fits."""

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["roles"]
        field.widget = forms.CheckboxSelectMultiple()
        if roles is not None:
            field.queryset = roles
        field.label = _("Fits the roles")


PracticeFormSet = _formset(
    Practice, [*ELEMENT_FIELDS[:3], "roles", *ELEMENT_FIELDS[3:]], form=PracticeForm
)

FORMSETS = {"roles": RoleFormSet, "practices": PracticeFormSet, "values": ValueFormSet}


def draft_formsets(draft: Framework, data=None, protected=None) -> dict:
    """The three formsets of a draft, bound to `data` when it was posted."""
    protected = protected or {kind: set() for kind in FORMSETS}
    roles = draft.roles.all()
    return {
        "roles": RoleFormSet(data, instance=draft, prefix="rollen", protected=protected["roles"]),
        "practices": PracticeFormSet(
            data,
            instance=draft,
            prefix="werkvormen",
            protected=protected["practices"],
            queryset=draft.practices.prefetch_related("roles"),
            form_kwargs={"roles": roles},
        ),
        "values": ValueFormSet(
            data, instance=draft, prefix="waarden", protected=protected["values"]
        ),
    }


class CompareForm(forms.Form):
    """Which two versions to put side by side (by number)."""

    old = forms.TypedChoiceField(label=_("Earlier version"), coerce=int)
    new = forms.TypedChoiceField(label=_("Later version"), coerce=int)

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.number, version_label(v)) for v in versions]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices


def version_label(framework: Framework) -> str:
    if framework.is_published:
        return _("Version %(number)s") % {"number": framework.number}
    return _("Version %(number)s (draft)") % {"number": framework.number}
