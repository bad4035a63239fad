"""The editors' pages (researchers and organisers compose a publication: its title page,
chapters and their order, the anthology's quotes, images, status) and the readers' HTML edition.
Thin views: the objects come from the URL and the person, the writes from services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leerkring.models import Circle
from leerkring.permissions import circle_from_url, require
from publications import document, publication_document, services
from publications.forms import (
    AttributionForm,
    ChapterForm,
    ImageForm,
    NewChapterForm,
    PublicationForm,
    QuoteForm,
    StatusForm,
)
from publications.job_views import started_page
from publications.models import Chapter, Image, Publication, Quote, RenderJob
from reflections.models import Passage, Reflection

GET_POST = require_http_methods(["GET", "POST"])
OFFERED_LIMIT = 200


def _publication(request: HttpRequest, circle: Circle, pk: int) -> Publication:
    publication = get_object_or_404(
        Publication.objects.visible_to(request.user).filter(circle=circle), pk=pk
    )
    publication.circle = circle
    return publication


def _editable(request: HttpRequest, slug: str, pk: int) -> tuple[Circle, Publication]:
    circle = circle_from_url(request, slug)
    publication = _publication(request, circle, pk)
    require(request, "publications.change_publication", publication, circle)
    return circle, publication


def _chapter(publication: Publication, chapter: int) -> Chapter:
    found = get_object_or_404(Chapter, publication=publication, pk=chapter)
    found.publication = publication
    return found


def _posted_id(request: HttpRequest, name: str) -> int:
    """A posted id (what the editor picked; it is then looked up among what they may pick)."""
    value = request.POST.get(name, "")
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


def _final_refused(request: HttpRequest, publication: Publication) -> HttpResponse:
    messages.error(request, _("This publication is final: its content no longer changes."))
    return redirect(publication)


@login_required
@require_GET
def publication_list(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    publications = Publication.objects.visible_to(request.user).filter(circle=circle)
    return render(
        request,
        "publications/publication_list.html",
        {
            "circle": circle,
            "publications": publications,
            "can_compose": request.user.has_perm("publications.add_publication", circle),
        },
    )


@login_required
@GET_POST
def publication_create(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    require(request, "publications.add_publication", circle, circle)
    form = PublicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields if name != "cover"}
        publication = services.create_publication(circle, request.user, **fields)
        if form.cleaned_data.get("cover"):
            services.update_publication(publication, request.user, cover=form.cleaned_data["cover"])
        messages.success(request, _("The publication has been created. Add its chapters."))
        return redirect(publication)
    return render(
        request,
        "publications/publication_form.html",
        {"circle": circle, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def publication_render(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Render the PDF of the content as it is now (a final edition: its frozen content); the
    same content twice gives the render already made or under way."""
    circle, publication = _editable(request, slug, pk)
    job, created = services.start_render(publication_document.KIND, publication, request.user)
    return started_page(request, circle, job, created)


@login_required
@require_GET
def publication_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    publication = _publication(request, circle, pk)
    can_edit = request.user.has_perm("publications.change_publication", publication)
    jobs = RenderJob.objects.of(publication_document.KIND, publication).select_related("created_by")
    done = [job for job in jobs[:50] if job.is_done]
    context = {
        "circle": circle,
        "publication": publication,
        "can_edit": can_edit,
        "latest": jobs.first() if can_edit else None,
        # "The" publication: the newest render of the final edition.
        "the_pdf": next(
            (j for j in done if publication_document.is_the_final_edition(publication, j)), None
        ),
    }
    if can_edit:
        chapters = list(publication.chapters.all())

        context.update(
            chapters=chapters,
            new_chapter=NewChapterForm(kinds=services.chapter_kinds(publication, request.user)),
            image_form=ImageForm(),
            images=list(publication.images.all()),
            status_form=StatusForm(initial={"status": publication.status}),
            removed=[] if publication.is_final else document.left_out(publication),
            consent_changes=document.consent_changes(publication),
        )
    return render(request, "publications/publication_detail.html", context)


@login_required
@GET_POST
def publication_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle, publication = _editable(request, slug, pk)
    if publication.is_final:
        return _final_refused(request, publication)
    form = PublicationForm(request.POST or None, request.FILES or None, instance=publication)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if fields.get("cover") is False:  # "clear" ticked: no cover
            fields["cover"] = ""
        if fields:
            services.update_publication(publication, request.user, **fields)
        messages.success(request, _("The publication has been saved."))
        return redirect(publication)
    return render(
        request,
        "publications/publication_form.html",
        {"circle": circle, "form": form, "publication": publication},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def chapter_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle, publication = _editable(request, slug, pk)
    form = NewChapterForm(request.POST, kinds=services.chapter_kinds(publication, request.user))
    if not form.is_valid():
        return render(
            request,
            "publications/chapter_new.html",
            {"circle": circle, "publication": publication, "form": form},
            status=400,
        )
    try:
        chapter = services.add_chapter(
            publication,
            request.user,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
        )
    except services.FinalPublication:
        return _final_refused(request, publication)
    except services.NotForYou:
        raise PermissionDenied from None
    messages.success(request, _("The chapter has been added."))
    if chapter.kind in (Chapter.Kind.TEXT, Chapter.Kind.ANTHOLOGY):
        name = (
            "publications:chapter_edit"
            if chapter.kind == Chapter.Kind.TEXT
            else "publications:anthology"
        )
        return redirect(name, circle.slug, publication.pk, chapter.pk)
    return redirect(publication)


@login_required
@GET_POST
def chapter_edit(request: HttpRequest, slug: str, pk: int, chapter: int) -> HttpResponse:
    circle, publication = _editable(request, slug, pk)
    found = _chapter(publication, chapter)
    if publication.is_final:
        return _final_refused(request, publication)
    form = ChapterForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_chapter(
                found,
                request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data.get("body", found.body),
            )
        except services.FinalPublication:
            return _final_refused(request, publication)
        messages.success(request, _("The chapter has been saved."))
        return redirect(publication)
    return render(
        request,
        "publications/chapter_form.html",
        {
            "circle": circle,
            "publication": publication,
            "chapter": found,
            "form": form,
            "images": list(publication.images.all()),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def chapter_move(request: HttpRequest, slug: str, pk: int, chapter: int) -> HttpResponse:
    circle, publication = _editable(request, slug, pk)
    found = _chapter(publication, chapter)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse(_("Choose up or down."), status=400, content_type="text/plain")
    try:
        services.move_chapter(found, request.user, up=direction == "up")
    except services.FinalPublication:
        return _final_refused(request, publication)
    return redirect(f"{publication.get_absolute_url()}#hoofdstuk-{found.pk}")


@login_required
@GET_POST
def chapter_delete(request: HttpRequest, slug: str, pk: int, chapter: int) -> HttpResponse:
    circle, publication = _editable(request, slug, pk)
    found = _chapter(publication, chapter)
    if publication.is_final:
        return _final_refused(request, publication)
    if request.method == "POST":
        try:
            services.delete_chapter(found, request.user)
        except services.FinalPublication:
            return _final_refused(request, publication)
        messages.success(request, _("The chapter has been removed."))
        return redirect(publication)
    return render(
        request,
        "publications/chapter_delete.html",
        {"circle": circle, "publication": publication, "chapter": found},
    )


@login_required
@GET_POST
def anthology(request: HttpRequest, slug: str, pk: int, chapter: int) -> HttpResponse:
    """Pick reflections and passages for an anthology chapter: only what the author consents
    to have quoted is offered."""
    circle, publication = _editable(request, slug, pk)
    found = _chapter(publication, chapter)
    if found.kind != Chapter.Kind.ANTHOLOGY:
        raise Http404
    if request.method == "POST":
        if publication.is_final:
            return _final_refused(request, publication)
        offered = services.offered(publication, request.user)
        reflection = get_object_or_404(offered, pk=_posted_id(request, "reflection"))
        passage = None
        if request.POST.get("passage"):
            passage = get_object_or_404(
                services.offered_passages(publication, request.user).filter(reflection=reflection),
                pk=_posted_id(request, "passage"),
            )
        form = AttributionForm(request.POST)
        if form.is_valid():
            services.pick_quote(
                found,
                request.user,
                reflection=reflection,
                passage=passage,
                attribution=form.cleaned_data["attribution"],
            )
            messages.success(request, _("The quote has been added to the chapter."))
            return redirect("publications:anthology", circle.slug, publication.pk, found.pk)
    return _anthology_page(request, circle, publication, found)


def _anthology_page(
    request: HttpRequest,
    circle: Circle,
    publication: Publication,
    found: Chapter,
    bound: QuoteForm | None = None,
) -> HttpResponse:
    """The chapter's quotes, each as it will be printed (an anonymous one with what is taken
    out shown as […]) with its form, and what may still be picked. `bound`: one quote's form
    with the errors of a save, shown at its fields with what was typed."""
    quotes = list(document.quotes_of(found))
    picked = {(q.reflection_id, q.passage_id) for q in quotes}
    # A quote another editor picked from what this one may not read: no title, no name.
    readable = set(
        Reflection.objects.visible_to(request.user)
        .filter(pk__in=[q.reflection_id for q in quotes])
        .values_list("pk", flat=True)
    )
    printed = {item["quote"]: item for item in document.printed_quotes(found, quotes)}
    for quote in quotes:
        quote.readable = quote.reflection_id in readable
        quote.printed = printed.get(quote.pk) if quote.readable else None
        if not quote.readable:
            quote.form = (
                None  # its attribution and withheld words are about a text they may not read
            )
        elif bound is not None and bound.instance.pk == quote.pk:
            quote.form = bound
        else:
            quote.form = QuoteForm(instance=quote)
    offered = list(
        services.offered(publication, request.user)
        .select_related("author", "municipality")
        .order_by("-submitted_at", "-pk")[:OFFERED_LIMIT]
    )
    passages: dict[int, list[Passage]] = {}
    for passage in (
        services.offered_passages(publication, request.user)
        .filter(reflection__in=[r.pk for r in offered], field__gt="")
        .select_related("revision")
        .order_by("reflection", "field", "start")
    ):
        passage.text = (passage.revision.content.get(passage.field) or "")[
            passage.start : passage.end
        ]
        passage.picked = (passage.reflection_id, passage.pk) in picked
        passages.setdefault(passage.reflection_id, []).append(passage)
    for reflection in offered:
        reflection.offered_passages = passages.get(reflection.pk, [])
        reflection.picked = (reflection.pk, None) in picked
    return render(
        request,
        "publications/anthology.html",
        {
            "circle": circle,
            "publication": publication,
            "chapter": found,
            "quotes": quotes,
            "offered": offered,
            "limit": OFFERED_LIMIT,
            "consent": Reflection.Consent,
        },
        status=400 if bound is not None else 200,
    )


def _quote(publication: Publication, chapter: Chapter, quote: int) -> Quote:
    return get_object_or_404(Quote, chapter=chapter, pk=quote)


@login_required
@require_POST
def quote_change(
    request: HttpRequest, slug: str, pk: int, chapter: int, quote: int
) -> HttpResponse:
    circle, publication = _editable(request, slug, pk)
    found = _chapter(publication, chapter)
    picked = _quote(publication, found, quote)
    try:
        if request.POST.get("remove"):
            services.remove_quote(picked, request.user)
            messages.success(request, _("The quote has been removed from the chapter."))
        else:
            if (
                not Reflection.objects.visible_to(request.user)
                .filter(pk=picked.reflection_id)
                .exists()
            ):
                raise PermissionDenied  # only removing is open to an editor who may not read it
            form = QuoteForm(request.POST, instance=picked)
            if not form.is_valid():
                return _anthology_page(request, circle, publication, found, bound=form)
            services.change_attribution(
                picked,
                request.user,
                form.cleaned_data["attribution"],
                form.cleaned_data["withheld"],
            )
            messages.success(request, _("The quote has been saved."))
    except services.FinalPublication:
        return _final_refused(request, publication)
    return redirect("publications:anthology", circle.slug, publication.pk, found.pk)


@login_required
@require_POST
def image_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle, publication = _editable(request, slug, pk)
    if publication.is_final:
        return _final_refused(request, publication)
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "publications/image_form.html",
            {"circle": circle, "publication": publication, "form": form},
            status=400,
        )
    image = services.add_image(
        publication,
        request.user,
        file=form.cleaned_data["file"],
        description=form.cleaned_data["description"],
    )
    messages.success(
        request,
        _(
            "The image has been uploaded. Use it in a text chapter as "
            "![description](afbeelding:%(id)s)."
        )
        % {"id": image.pk},
    )
    return redirect(publication)


@login_required
@require_GET
def image(request: HttpRequest, slug: str, pk: int, image: int) -> FileResponse:
    """An image of a publication, for whoever may read the publication (never a public URL)."""
    circle = circle_from_url(request, slug)
    publication = _publication(request, circle, pk)
    found = get_object_or_404(Image, publication=publication, pk=image)
    response = FileResponse(found.file.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle, publication = _editable(request, slug, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the statuses."))
        return redirect(publication)
    try:
        services.set_status(publication, request.user, form.cleaned_data["status"])
    except services.FinalPublication:
        return _final_refused(request, publication)
    if form.cleaned_data["status"] == Publication.Status.FINAL:
        messages.success(
            request,
            _("The publication is final: what it holds now is what is rendered from now on."),
        )
    else:
        messages.success(request, _("The status has been changed."))
    return redirect(publication)


@login_required
@require_GET
def read(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The HTML edition: the same content as the PDF, as an accessible web page (the editors
    also see drafts here, as a preview)."""
    circle = circle_from_url(request, slug)
    publication = _publication(request, circle, pk)
    content = document.for_render(publication)

    def url(image_id: int) -> str:
        return reverse("publications:image", args=[circle.slug, publication.pk, image_id])

    return render(
        request,
        "publications/read.html",
        {
            "circle": circle,
            "publication": publication,
            "content": content.data,
            "chapters": document.presented(content.data, url),
            "draft": not publication.is_final,
        },
    )


# --- The public edition: the final publication, readable without an account once made public ---


@login_required
@GET_POST
def public_toggle(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks (saying what becomes readable by anyone, and where); POST makes the final
    edition public, or takes that back."""
    circle = circle_from_url(request, slug)
    publication = _publication(request, circle, pk)
    require(request, "publications.change_publication", publication, circle)
    if request.method == "POST":
        public = request.POST.get("public") == "1"
        try:
            services.set_public(publication, request.user, public)
        except services.NotFinal as error:
            messages.error(request, str(error))
            return redirect(publication)
        messages.success(
            request,
            _("The final edition is public: anyone with the address can read it.")
            if public
            else _("The final edition is no longer public."),
        )
        return redirect(publication)
    return render(
        request,
        "publications/publication_public.html",
        {
            "circle": circle,
            "publication": publication,
            "public_url": request.build_absolute_uri(publication.get_public_url()),
            "the_pdf": publication_document.the_pdf(publication),
            "consent_changes": document.consent_changes(publication),
        },
    )


def _public(slug: str, pk: int) -> Publication:
    """A final publication its editors made public (404 for everything else: nothing says
    whether a circle or a draft exists)."""
    return get_object_or_404(
        Publication.objects.select_related("circle").filter(
            status=Publication.Status.FINAL, public_since__isnull=False
        ),
        circle__slug=slug,
        pk=pk,
    )


@require_GET
def public_read(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    publication = _public(slug, pk)
    content = document.for_render(publication)

    def url(image_id: int) -> str:
        return reverse("publication_public_image", args=[slug, publication.pk, image_id])

    return render(
        request,
        "publications/public.html",
        {
            "publication": publication,
            "content": content.data,
            "chapters": document.presented(content.data, url),
            "the_pdf": publication_document.the_pdf(publication),
        },
    )


@require_GET
def public_pdf(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """The newest render of the final edition, as an attachment (counted in the audit log,
    without who or from where)."""
    publication = _public(slug, pk)
    job = publication_document.the_pdf(publication)
    if job is None:
        raise Http404
    services.record_download(request, job, public=True)
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=publication_document.filename(publication, job),
        content_type="application/pdf",
    )


@require_GET
def public_image(request: HttpRequest, slug: str, pk: int, image: int) -> FileResponse:
    publication = _public(slug, pk)
    found = get_object_or_404(Image, publication=publication, pk=image)
    response = FileResponse(found.file.open("rb"))
    response["Cache-Control"] = "public, max-age=3600"
    return response
