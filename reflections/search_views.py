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
# Counting every match of a common word among 100,000 reflections costs more than the page
# itself; past this many the page says "more than" and asks for a narrower search.
COUNT_CAP = 1_000


class CappedPaginator(Paginator):
    """Counts up to COUNT_CAP + 1 rows (a LIMIT inside the COUNT), so pages go as far as that."""

    @property
    def count(self) -> int:
        if not hasattr(self, "_capped"):
            self._capped = self.object_list.order_by()[: COUNT_CAP + 1].count()
        return self._capped

    @property
    def more(self) -> bool:
        return self.count > COUNT_CAP


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
        page = CappedPaginator(results, PER_PAGE).get_page(request.GET.get("pagina"))
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
            "cap": COUNT_CAP,
        },
        status=200 if page is not None else 400,
    )
