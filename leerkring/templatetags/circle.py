"""The header of every circle page: breadcrumbs and the circle's tabs, from the registry."""

from django import template

from leerkring.registry import visible_tabs

register = template.Library()


@register.inclusion_tag("leerkring/_circle_header.html", takes_context=True)
def circle_header(context, circle, *trail):
    """`{% circle_header circle %}` on a tab's own page; below a tab, name the way down:
    `{% circle_header circle meeting.title meeting.get_absolute_url _("Attendance") %}` —
    labels and URLs alternating, ending with the current page's label."""
    request = context["request"]
    tabs = visible_tabs(request, circle)
    current = next((tab for tab in tabs if tab["current"]), None)
    home = tabs[0] if tabs else None
    crumbs = []
    if current is not None and current is not home:
        crumbs.append((current["label"], current["url"]))
    pairs, last = list(trail[:-1]), (trail[-1] if trail else None)
    crumbs.extend(zip(pairs[0::2], pairs[1::2], strict=False))
    if last is None and crumbs:
        # On the tab's own page the tab is the current crumb, not a link.
        last = crumbs.pop()[0]
    return {
        "circle": circle,
        "home_url": home["url"] if home else "",
        "circle_is_current": last is None,
        "crumbs": crumbs,
        "last": last,
        "tabs": tabs,
        "request": request,
    }
