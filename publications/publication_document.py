"""The closing publication as a kind of rendered document (publications/documents.py): its
content is `document.for_render` (the frozen content of a final edition, else the content now,
consent checked again when the render starts), its HTML the print template."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from publications import document, documents
from publications.models import Publication
from publications.printing import print_context

KIND = "publication"


def filename(publication: Publication, job) -> str:
    """e.g. vakmanschap-in-de-praktijk-definitief-20270601-1030.pdf: every render is kept, so
    the name says when this version was made."""
    name = slugify(publication.title)[:60].strip("-") or "publicatie"
    made = timezone.localtime(job.finished_at or job.created_at).strftime("%Y%m%d-%H%M")
    return f"{name}-{slugify(publication.get_status_display())}-{made}.pdf"


def is_the_final_edition(publication: Publication, job) -> bool:
    """A render of the content the publication was frozen with (its checksum worked out once
    per loaded publication: a page asks this for every version)."""
    if not publication.is_final:
        return False
    if not hasattr(publication, "_final_checksum"):
        publication._final_checksum = documents.get(KIND).checksum(publication)
    return job.checksum == publication._final_checksum


def the_pdf(publication: Publication):
    """ "The" publication: the newest finished render of the final edition, or None."""
    from publications.models import RenderJob

    jobs = RenderJob.objects.of(KIND, publication).filter(status=RenderJob.Status.DONE)
    return next((job for job in jobs[:50] if is_the_final_edition(publication, job)), None)


def readable(user, publication: Publication, job) -> bool:
    """Editors read every render; the other members only those of the final edition."""
    return user.has_perm("publications.change_publication", publication) or is_the_final_edition(
        publication, job
    )


def register() -> None:
    documents.register(
        documents.DocumentKind(
            key=KIND,
            model=Publication,
            render_permission="publications.change_publication",
            read_permission="publications.view_publication",
            content=lambda publication: document.for_render(publication).data,
            template="publications/print.html",
            context=lambda publication: print_context(
                publication, document.for_render(publication)
            ),
            title=lambda publication: publication.title,
            filename=filename,
            page=lambda publication: reverse(
                "publications:detail", args=[publication.circle.slug, publication.pk]
            ),
            language=lambda publication: publication.language,
            media_dirs=lambda publication: [f"publications/{publication.pk}"],
            readable=readable,
        )
    )
