"""Searching the circle's reflections: everyone searches what they may read; researchers also
filter on their codes, the exemplary mark and how widely a reflection was shared."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from leerkring.permissions import circle_from_url
from reflections.workbench import WorkbenchFilterForm, selection, snippets

PER_PAGE = 20


@login_required
@require_GET
def search(request: HttpRequest, slug: str) -> HttpResponse:
    """Words and filters come from the query string, so a search can be bookmarked and shared
    with a colleague (who then sees what they may read). An invalid filter (a choice that is not
    there) is shown next to its field and the search is not run."""
    circle = circle_from_url(request, slug)
    form = WorkbenchFilterForm(request.GET or None, circle=circle, user=request.user)
    searched = bool(request.GET) and form.is_valid()
    page = None
    if searched or not request.GET:
        results = selection(form, request.user).select_related("primary_role", "meeting")
        page = Paginator(results, PER_PAGE).get_page(request.GET.get("pagina"))
        found = snippets(list(page.object_list), form.words)
        page.hits = [(reflection, found.get(reflection.pk)) for reflection in page.object_list]
    return render(
        request,
        "reflections/search.html",
        {
            "circle": circle,
            "form": form,
            "page": page,
            "words": form.words,
            "filtered": bool(form.filters),
        },
        status=200 if page is not None else 400,
    )
