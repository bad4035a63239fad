"""The demo's draft closing publication: a chapter of every kind, an anthology of consented
reflections (named, anonymous, a coded passage), made once, and renderable as a PDF."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from publications import document
from publications.models import Chapter, Publication
from publications.printing import print_html

pytestmark = pytest.mark.django_db


def test_the_demo_publication_uses_every_chapter_kind_and_renders(capsys):
    import weasyprint

    call_command("seed_demo")
    call_command("seed_demo")
    capsys.readouterr()
    (publication,) = Publication.objects.all()
    assert publication.status == Publication.Status.DRAFT
    kinds = set(publication.chapters.values_list("kind", flat=True))
    assert kinds == set(Chapter.Kind.values)
    content = document.content(publication)
    (anthology,) = [c for c in content.data["chapters"] if c["kind"] == "anthology"]
    assert len(anthology["quotes"]) == 3
    assert {q["anonymous"] for q in anthology["quotes"]} == {True, False}
    assert not content.removed
    pdf = weasyprint.HTML(string=print_html(publication, content), base_url="/").write_pdf()
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for chapter in publication.chapters.all():
        assert chapter.title in text
