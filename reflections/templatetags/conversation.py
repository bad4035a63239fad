from django import template

from reflections.views import conversation_context

register = template.Library()


@register.inclusion_tag("reflections/_comments.html", takes_context=True)
def reflection_conversation(context, reflection) -> dict:
    """`{% reflection_conversation reflection %}`: the conversation about a reflection, with the
    comment form for those who may take part."""
    request = context["request"]
    return {
        **conversation_context(request, reflection),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
