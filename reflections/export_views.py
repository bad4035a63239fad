"""The export page and the downloads (researchers): the workbench's selection as CSV or JSON,
named or pseudonymised (docs/export-format.md). The logic is in reflections/exports.py."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from leerkring import audit
from leerkring.permissions import circle_from_url, require, same_site_only
from reflections import exports
from reflections.models import Reflection
from reflections.workbench import WorkbenchFilterForm

PERMISSION = "reflections.export_reflections"
EXPORT_KEY_MIN, EXPORT_KEY_MAX = 8, 200
KEY_NEEDED = _("The pseudonymised variant needs an export key of at least %(min)s characters.")


class ExportFormatConverter:
    """The download's file extension: one of the formats, nothing else."""

    regex = "csv|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            (exports.CSV, _("CSV: one row per reflection, for a spreadsheet or statistics")),
            (exports.JSON, _("JSON: every reflection with its coded passages and memos")),
        ],
        widget=forms.RadioSelect,
        initial=exports.CSV,
    )
    variant = forms.ChoiceField(
        label=_("Variant"),
        choices=[
            (exports.NAMED, _("named: authors and coders by name")),
            (
                exports.PSEUDONYMISED,
                _(
                    "pseudonymised: a pseudonym for every person, names and e-mail addresses "
                    "taken out of the texts, without the reflections whose authors did not "
                    "agree to be quoted"
                ),
            ),
        ],
        widget=forms.RadioSelect,
        initial=exports.NAMED,
    )
    export_key = forms.CharField(
        label=_("Export key (pseudonymised only)"),
        required=False,
        min_length=EXPORT_KEY_MIN,
        max_length=EXPORT_KEY_MAX,
        help_text=_(
            "A phrase of your own. The same phrase gives every person the same pseudonym again "
            "in a later export; another phrase gives other pseudonyms. Keep it somewhere safe: "
            "it is not stored."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Required for the pseudonymised variant: the field template does not call it optional.
        self.fields["export_key"].conditionally_required = True

    def clean_export_key(self) -> str:
        return unicodedata.normalize("NFC", self.cleaned_data["export_key"])

    def clean(self):
        cleaned = super().clean()
        missing = cleaned.get("variant") == exports.PSEUDONYMISED and not cleaned.get("export_key")
        if missing and "export_key" not in self.errors:
            self.add_error("export_key", KEY_NEEDED % {"min": EXPORT_KEY_MIN})
        return cleaned


def _filter_form(request: HttpRequest, circle) -> WorkbenchFilterForm:
    return WorkbenchFilterForm(request.GET, circle=circle, user=request.user)


def _described_filters(form: WorkbenchFilterForm) -> list[tuple[str, str]]:
    """The filters that are set, in words (label, chosen value), for the page."""
    if not form.is_valid():
        return []
    described = []
    if form.words:
        described.append((str(form.fields["q"].label), f"“{form.words}”"))
    for name, value in form.filters.items():
        field = form.fields[name]
        labels = {}
        for key, label in field.choices:
            if isinstance(label, list | tuple):  # a group of choices
                labels.update(dict(label))
            else:
                labels[key] = label
        described.append((str(field.label), str(labels.get(value, value))))
    return described


def _filter_query(form: WorkbenchFilterForm) -> dict[str, str]:
    """The filters as query-string values, to carry them on to the download."""
    if not form.is_valid():
        return {}
    query = dict(form.filters)
    if form.words:
        query["q"] = form.words
    return query


def _page(request, circle, filter_form, export_form, status=200) -> HttpResponse:
    described = _described_filters(filter_form)
    counts = {"total": 0, "quotable": 0}
    if filter_form.is_valid():
        counts = exports.export_rows(filter_form, request.user, exports.NAMED).aggregate(
            total=Count("pk"), quotable=Count("pk", filter=~Q(consent=Reflection.Consent.NONE))
        )
    return render(
        request,
        "reflections/export.html",
        {
            "circle": circle,
            "filter_form": filter_form,
            "filters": described,
            "filter_query": _filter_query(filter_form),
            "form": export_form,
            "counts": counts,
        },
        status=status,
    )


@cache_control(private=True, no_store=True)
@login_required
@require_GET
def export(request: HttpRequest, slug: str) -> HttpResponse:
    """What an export holds, with the workbench's filters from the query string; the form sends
    the choices back here, and when they are right on to the download."""
    circle = circle_from_url(request, slug)
    require(request, PERMISSION, circle, circle)
    filter_form = _filter_form(request, circle)
    if "format" not in request.GET:
        return _page(request, circle, filter_form, ExportForm())
    export_form = ExportForm(request.GET)
    if not (export_form.is_valid() and filter_form.is_valid()):
        return _page(request, circle, filter_form, export_form, status=400)
    options = export_form.cleaned_data
    query = {**_filter_query(filter_form), "variant": options["variant"]}
    if options["variant"] == exports.PSEUDONYMISED:
        query["export_key"] = options["export_key"]
    url = reverse("reflections:export_download", args=[circle.slug, options["format"]])
    return redirect(f"{url}?{urlencode(query)}")


@cache_control(private=True, no_store=True)
@login_required
@require_GET
@same_site_only
def export_download(request: HttpRequest, slug: str, format: str) -> HttpResponse:
    """The file, streamed. The audit event is recorded before the first byte, with the number
    of reflections the selection holds at that moment: a download that is broken off is in the
    log all the same (docs/export-format.md)."""
    circle = circle_from_url(request, slug)
    require(request, PERMISSION, circle, circle)
    filter_form = _filter_form(request, circle)
    export_form = ExportForm({**request.GET.dict(), "format": format})
    if not (export_form.is_valid() and filter_form.is_valid()):
        return _page(request, circle, filter_form, export_form, status=400)
    variant = export_form.cleaned_data["variant"]
    rows = exports.export_rows(filter_form, request.user, variant)
    audit.record(
        "reflections.exported",
        actor=request.user,
        target=circle,
        request=request,
        format=format,
        variant=variant,
        rows=rows.count(),
        filters=_filter_query(filter_form),
    )
    export = exports.Export(
        circle=circle,
        user=request.user,
        queryset=rows,
        variant=variant,
        export_key=export_form.cleaned_data["export_key"]
        if variant == exports.PSEUDONYMISED
        else "",
        # The stream is written after the view returns: the language is fixed now.
        english=(translation.get_language() or "nl").startswith("en"),
        filters=dict(filter_form.filters),
        search=filter_form.words,
    )
    if format == exports.CSV:
        response = StreamingHttpResponse(export.csv(), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            export.json(), content_type="application/json; charset=utf-8"
        )
    suffix = "-gepseudonimiseerd" if variant == exports.PSEUDONYMISED else ""
    filename = f"reflecties-{circle.slug}-{timezone.localdate():%Y-%m-%d}{suffix}.{format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
