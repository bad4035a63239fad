from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def described_widget(field: BoundField) -> str:
    """The field's widget, pointing at its hint and error texts and marked invalid on error.

    Screen readers then read the error when the field gets focus, not only somewhere above it.
    """
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if text_limit(field):
        described_by.append(f"{field.auto_id}_limit")
    if field.errors:
        # Django renders the field's error list with this id.
        described_by.append(f"{field.auto_id}_error")
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


# Widgets whose maximum is the standard's, not one a person runs into while writing.
_NO_LIMIT_SHOWN = {"password", "email", "hidden"}


@register.filter
def text_limit(field: BoundField) -> int | None:
    """The most characters the field takes, when the person should be told (shown next to
    the field by templates/forms/field.html; the browser and the form enforce it)."""
    max_length = getattr(field.field, "max_length", None)
    if not max_length or field.widget_type in _NO_LIMIT_SHOWN or field.is_hidden:
        return None
    return max_length
