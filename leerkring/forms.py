from django.forms.renderers import TemplatesSetting


class AccessibleFormRenderer(TemplatesSetting):
    """Renders every form with our templates: labels, hints and errors tied to their fields."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
