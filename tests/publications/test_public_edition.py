"""The public edition: an editor makes the final edition public (a page asks first); then anyone,
without an account, reads it as a web page and downloads its newest PDF; nothing else is public,
and taking it back closes it again."""

import io

import pypdf
import pytest
from django.urls import reverse

from leerkring.models import AuditEvent
from publications import publication_document, services
from publications.models import Publication
from reflections.models import Reflection
from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def final(world, django_capture_on_commit_callbacks):
    organiser = world.users["organiser"]
    quoted = ReflectionFactory(
        circle=world.circle,
        author=world.users["participant"],
        municipality=world.breda,
        visibility="circle",
        consent="anonymous",
        lesson="Loslaten vraagt moed van de gemeente.",
    )
    publication = services.create_publication(world.circle, organiser, title="Vakmanschap")
    anthology = services.add_chapter(publication, organiser, kind="anthology", title="Stemmen")
    services.pick_quote(anthology, organiser, reflection=quoted, attribution="een ambtenaar")
    return publication


def urls(publication):
    args = [publication.circle.slug, publication.pk]
    return (
        reverse("publication_public", args=args),
        reverse("publication_public_pdf", args=args),
        reverse("publications:public_toggle", args=args),
    )


def test_nothing_is_public_until_an_editor_makes_the_final_edition_public(
    client, world, final, django_capture_on_commit_callbacks
):
    page, pdf, toggle = urls(final)
    assert client.get(page).status_code == 404 and client.get(pdf).status_code == 404
    client.force_login(world.users["organiser"])
    # A draft cannot be made public.
    response = client.post(toggle, {"public": "1"}, follow=True)
    assert "Alleen de definitieve versie kan openbaar worden gemaakt." in response.content.decode()
    final.refresh_from_db()
    assert not final.is_public

    services.set_status(final, world.users["organiser"], Publication.Status.FINAL)
    asked = client.get(toggle)
    assert asked.status_code == 200
    assert f"http://testserver{page}" in asked.content.decode()
    assert client.post(toggle, {"public": "1"}).status_code == 302
    final.refresh_from_db()
    assert final.is_public

    client.logout()
    response = client.get(page)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Loslaten vraagt moed van de gemeente." in text and "een ambtenaar" in text
    assert "Participant" not in text and "Breda" not in text
    assert pdf not in text  # no render of the final edition yet
    assert client.get(pdf).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        job, _ = services.start_render(publication_document.KIND, final, world.users["organiser"])
    job.refresh_from_db()
    assert job.is_done
    assert pdf in client.get(page).content.decode()
    response = client.get(pdf)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="vakmanschap-')
    reader = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert "Loslaten vraagt moed" in " ".join(p.extract_text() for p in reader.pages)
    (event,) = AuditEvent.objects.filter(action="render.downloaded")
    assert event.actor is None and event.data.get("public") is True
    assert not event.ip_address

    # Taken back: closed again.
    client.force_login(world.users["researcher"])
    assert client.post(toggle, {"public": "0"}).status_code == 302
    client.logout()
    assert client.get(page).status_code == 404 and client.get(pdf).status_code == 404
    assert (
        AuditEvent.objects.filter(
            action__in=["publication.made_public", "publication.made_private"]
        ).count()
        == 2
    )


def test_only_editors_make_it_public_and_other_circles_are_not_found(client, world, final):
    services.set_status(final, world.users["organiser"], Publication.Status.FINAL)
    page, _pdf, toggle = urls(final)
    client.force_login(world.users["participant"])
    assert client.get(toggle).status_code == 403
    assert client.post(toggle, {"public": "1"}).status_code == 403
    final.refresh_from_db()
    assert not final.is_public
    services.set_public(final, world.users["organiser"], True)
    wrong_circle = reverse("publication_public", args=[world.other_circle.slug, final.pk])
    assert client.get(wrong_circle).status_code == 404
    assert client.get(page).status_code == 200


def test_not_public_while_authors_have_withdrawn_consent_since_it_was_final(client, world, final):
    services.set_status(final, world.users["organiser"], Publication.Status.FINAL)
    Reflection.objects.update(consent="none")
    _page, _pdf, toggle = urls(final)
    client.force_login(world.users["organiser"])
    asked = client.get(toggle).content.decode()
    assert "Openbaar maken" not in asked and "toestemming" in asked
    response = client.post(toggle, {"public": "1"}, follow=True)
    assert "kan ze niet openbaar worden gemaakt" in response.content.decode()
    final.refresh_from_db()
    assert not final.is_public
