"""Revoking an invitation asks first on a page of its own: GET asks, POST revokes."""

from django.conf import settings
from django.urls import reverse

from leerkring.models import AuditEvent
from municipalities.models import Invitation


def revoke_url(world):
    return reverse(
        "municipalities:invitation_revoke", args=[world.circle.slug, world.invitation.pk]
    )


def test_revoking_asks_first_and_says_nobody_is_emailed(world, as_role):
    client = as_role("coordinator")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # new strings: English until merged
    members = reverse("municipalities:members", args=[world.circle.slug, world.breda.cbs_code])
    table = client.get(members).content.decode()
    assert f'href="{revoke_url(world)}"' in table
    assert f'action="{revoke_url(world)}"' not in table
    page = client.get(revoke_url(world))
    html = page.content.decode()
    assert page.status_code == 200
    assert world.invitation.email in html and "Nobody gets an e-mail" in html
    assert f'href="{members}"' in html  # "keep it" goes back where the table was
    world.invitation.refresh_from_db()
    assert world.invitation.status == Invitation.Status.PENDING
    assert client.post(revoke_url(world)).status_code == 302
    world.invitation.refresh_from_db()
    assert world.invitation.status == Invitation.Status.REVOKED
    assert AuditEvent.objects.filter(action="invitation.revoked").count() == 1


def test_the_confirmation_page_of_a_revoked_invitation_offers_nothing_to_press(world, as_role):
    world.invitation.status = Invitation.Status.REVOKED
    world.invitation.save()
    html = as_role("researcher").get(revoke_url(world)).content.decode()
    assert 'class="button button--danger"' not in html


def test_a_civil_servant_gets_no_confirmation_page(world, as_role):
    assert as_role("participant").get(revoke_url(world)).status_code == 403
