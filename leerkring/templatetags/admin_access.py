"""`{% can_use_admin as show_admin %}`: whether to offer the Django admin to this person."""

from django import template

from leerkring.admin import can_use_admin as _can_use_admin

register = template.Library()


@register.simple_tag(takes_context=True)
def can_use_admin(context) -> bool:
    request = context.get("request")
    return request is not None and _can_use_admin(request)
