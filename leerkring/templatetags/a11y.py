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
    if field.errors:
        # Django renders the field's error list with this id.
        described_by.append(f"{field.auto_id}_error")
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
