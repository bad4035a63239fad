"""Exchange with qualitative-analysis software (REFI-QDA), for researchers: the circle as a
`.qdpx` project and the codebook as a `.qdc` to download, and a `.qdc` codebook to import into
the framework draft (GET: the form; POST: import, and the page shows what became of every code).
The work is in reflections/refi_qda.py."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from leerkring import audit
from leerkring.permissions import circle_from_url, require, same_site_only
from reflections import refi_qda, services

EXPORT = "reflections.export_reflections"
CHANGE = "reflections.change_framework"


@login_required
@require_GET
@same_site_only
def export_qdpx(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The circle's reflections that the researcher may see now, with every coded passage, as
    a REFI-QDA project, streamed."""
    circle = circle_from_url(request, slug)
    require(request, EXPORT, circle, circle)
    rows = refi_qda.exported_reflections(circle, request.user).count()
    audit.record(
        "reflections.exported",
        actor=request.user,
        target=circle,
        circle=circle,
        request=request,
        format="qdpx",
        rows=rows,
    )
    response = StreamingHttpResponse(
        refi_qda.qdpx_chunks(circle, request.user), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{circle.slug}-project.qdpx"'
    return response


@login_required
@require_GET
@same_site_only
def export_qdc(request: HttpRequest, slug: str) -> HttpResponse:
    """The codebook alone (`.qdc`): the framework's elements, core questions and free codes."""
    circle = circle_from_url(request, slug)
    require(request, EXPORT, circle, circle)
    tree = refi_qda.code_tree(circle)
    audit.record(
        "reflections.exported",
        actor=request.user,
        target=circle,
        circle=circle,
        request=request,
        format="qdc",
        rows=refi_qda.count_codes(tree),
    )
    response = HttpResponse(refi_qda.codebook_qdc(circle), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{circle.slug}-codeboek.qdc"'
    return response


class CodebookImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Codebook"),
        help_text=gettext_lazy(
            "A REFI-QDA codebook (.qdc) from ATLAS.ti, NVivo, MAXQDA, QDA Miner or QualCoder, or "
            "a project (.qde, .qdpx) with its codebook; at most 2 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".qdc,.qde,.qdpx,.xml"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > refi_qda.MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            self.codes = refi_qda.read_codebook(upload)
        except refi_qda.QdcError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


OUTCOME_LABELS = {
    refi_qda.ADDED: gettext_lazy("added"),
    refi_qda.UPDATED: gettext_lazy("updated"),
    refi_qda.UNCHANGED: gettext_lazy("already there"),
    refi_qda.MERGED: gettext_lazy("taken together"),
    refi_qda.SKIPPED: gettext_lazy("skipped"),
    refi_qda.GROUP: gettext_lazy("top code"),
}


@login_required
@require_http_methods(["GET", "POST"])
def framework_import(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the upload form. POST: the codebook goes into the framework draft (started from
    the published version if there is none), and the page lists what became of every code."""
    circle = circle_from_url(request, slug)
    require(request, CHANGE, circle, circle)
    draft = services.draft_framework(circle)
    report = None
    if request.method == "POST":
        form = CodebookImportForm(request.POST, request.FILES)
        if form.is_valid():
            draft = draft or services.start_draft(circle, by=request.user, request=request)
            try:
                rows = refi_qda.apply_codebook(form.codes, draft, by=request.user, request=request)
            except services.FrameworkError as error:
                form.add_error("file", str(error))
            else:
                report = [
                    {"row": row, "label": OUTCOME_LABELS.get(row.outcome, row.outcome)}
                    for row in rows
                ]
                form = CodebookImportForm()
    else:
        form = CodebookImportForm()
    return render(
        request,
        "reflections/codebook_import.html",
        {"circle": circle, "form": form, "draft": draft, "report": report},
    )
