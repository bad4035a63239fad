"""The framework's pages: the published version for every member of the circle; for researchers
the draft to edit, its publication (GET asks, POST does) and two versions side by side."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leerkring.permissions import circle_from_url, require
from reflections import services
from reflections.framework_forms import CompareForm, draft_formsets, version_label
from reflections.models import Framework, Role

GET_POST = require_http_methods(["GET", "POST"])
CHANGE = "reflections.change_framework"


HEADINGS = {
    "roles": gettext_lazy("Roles"),
    "practices": gettext_lazy("Work practices"),
    "values": gettext_lazy("Democratic values"),
}
CHANGE_LABELS = {
    services.ADDED: gettext_lazy("added"),
    services.RETIRED: gettext_lazy("retired"),
    services.RENAMED: gettext_lazy("renamed"),
    services.DESCRIBED: gettext_lazy("description changed"),
    services.REGROUPED: gettext_lazy("fits other roles"),
}


def labelled(comparison: dict | None) -> list[dict]:
    """The comparison for a template: per kind its heading and rows, each with its changes in
    words (and "not in the later version" for what was deleted from a draft)."""
    if comparison is None:
        return []
    kinds = []
    for kind, result in comparison.items():
        for row in result.rows:
            row.labels = [str(CHANGE_LABELS[c]) for c in row.changes]
            if row.new is None:
                row.labels = [_("not in the later version")]
        changed = [row for row in result.rows if row.labels]
        kinds.append(
            {"key": kind, "heading": HEADINGS[kind], "rows": result.rows, "changed": changed}
        )
    return kinds


@login_required
@require_GET
def framework(request: HttpRequest, slug: str) -> HttpResponse:
    """The version authors are offered now, without what it retired."""
    circle = circle_from_url(request, slug)
    current = (
        Framework.objects.visible_to(request.user)
        .filter(circle=circle)
        .published()
        .select_related("published_by")
        .order_by("-number")
        .first()
    )
    context = {"circle": circle, "framework": current, "can_edit": False}
    if current is not None:
        require(request, "reflections.view_framework", current, circle)
        active_roles = Role.objects.filter(retired=False)
        context.update(
            roles=current.roles.filter(retired=False),
            practices=current.practices.filter(retired=False).prefetch_related(
                Prefetch("roles", queryset=active_roles)
            ),
            values=current.values.filter(retired=False),
        )
    context["can_edit"] = request.user.has_perm(CHANGE, circle)
    return render(request, "reflections/framework.html", context)


@login_required
@GET_POST
def framework_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The draft's roles, practices and values. Without a draft, a button starts one."""
    circle = circle_from_url(request, slug)
    require(request, CHANGE, circle, circle)
    draft = services.draft_framework(circle)
    if draft is None:
        return render(
            request,
            "reflections/framework_no_draft.html",
            {"circle": circle, "published": services.published_framework(circle)},
        )
    protected = services.published_codes(circle)
    formsets = draft_formsets(draft, request.POST or None, protected)
    if request.method == "POST" and all(f.is_valid() for f in formsets.values()):
        try:
            services.save_draft(draft, formsets, by=request.user, request=request)
        except services.FrameworkError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect("reflections:framework_edit", circle.slug)
    return render(
        request,
        "reflections/framework_edit.html",
        {"circle": circle, "draft": draft, "formsets": formsets},
    )


@login_required
@require_POST
def framework_start(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    require(request, CHANGE, circle, circle)
    services.start_draft(circle, by=request.user, request=request)
    return redirect("reflections:framework_edit", circle.slug)


@login_required
@GET_POST
def framework_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: what publishing the draft changes, and for whom; POST: publish it."""
    circle = circle_from_url(request, slug)
    require(request, CHANGE, circle, circle)
    draft = services.draft_framework(circle)
    if request.method == "POST":
        if draft is None:
            messages.error(request, _("There is no draft to publish."))
            return redirect("reflections:framework_edit", circle.slug)
        try:
            services.publish(draft, by=request.user, request=request)
        except services.FrameworkError as error:
            messages.error(request, str(error))
            return redirect("reflections:framework_edit", circle.slug)
        messages.success(
            request,
            _("Version %(number)s of the framework has been published.") % {"number": draft.number},
        )
        return redirect("reflections:framework", circle.slug)
    published = services.published_framework(circle)
    comparison = services.compare(published, draft) if draft else None
    return render(
        request,
        "reflections/framework_publish.html",
        {"circle": circle, "draft": draft, "published": published, "kinds": labelled(comparison)},
    )


@login_required
@require_GET
def framework_compare(request: HttpRequest, slug: str) -> HttpResponse:
    """Two versions side by side, with what changed from the earlier to the later one. By
    default the draft (or the latest version) against the version before it."""
    circle = circle_from_url(request, slug)
    require(request, CHANGE, circle, circle)
    versions = list(
        Framework.objects.visible_to(request.user).filter(circle=circle).order_by("-number")
    )
    by_number = {v.number: v for v in versions}
    new = versions[0] if versions else None
    old = versions[1] if len(versions) > 1 else None
    initial = {"old": old.number if old else None, "new": new.number if new else None}
    form = CompareForm(request.GET if request.GET else None, versions=versions, initial=initial)
    if request.GET and form.is_valid():
        old, new = by_number[form.cleaned_data["old"]], by_number[form.cleaned_data["new"]]
        if old.number > new.number:
            old, new = new, old
    comparison = services.compare(old, new) if new and old and old != new else None
    return render(
        request,
        "reflections/framework_compare.html",
        {
            "circle": circle,
            "form": form,
            "old": old,
            "new": new,
            "old_label": version_label(old) if old else "",
            "new_label": version_label(new) if new else "",
            "kinds": labelled(comparison),
            "versions": versions,
        },
    )
