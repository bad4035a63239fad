import datetime
import re

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from leerkring.models import AuditEvent, OutgoingEmail, User
from municipalities import services
from municipalities.models import Invitation, Membership, Role
from tests.factories import PASSWORD, UserFactory


def link_in(message) -> str:
    match = re.search(r"http://localhost:8000(/uitnodiging/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def sent(world, django_capture_on_commit_callbacks):
    """An invitation from the researcher to a new organiser, delivered."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(
            circle=world.circle,
            email="Nieuwe.Organisator@Example.org",
            role=Role.ORGANISER,
            municipality=None,
            name="Nina",
            by=world.researcher,
        )
    return invitation


def test_invitation_email_goes_out_after_commit_with_a_signed_link(world, sent):
    assert sent.email == "nieuwe.organisator@example.org"
    assert [m.to for m in mail.outbox] == [["nieuwe.organisator@example.org"]]
    message = mail.outbox[0]
    assert "Ambtelijk vakmanschap" in message.subject
    assert "Beste Nina" in message.body
    assert link_in(message).startswith("/uitnodiging/")
    sent.refresh_from_db()
    assert sent.last_email.status == OutgoingEmail.Status.SENT
    assert AuditEvent.objects.filter(action="invitation.sent", actor=world.researcher).exists()


def test_new_person_accepts_creates_account_and_is_logged_in(world, sent, client):
    path = link_in(mail.outbox[0])
    page = client.get(path)
    assert page.status_code == 200
    assert "nieuwe.organisator@example.org" in page.content.decode()
    response = client.post(
        path, {"name": "Nina Nieuw", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("municipalities:circle", args=[world.circle.slug])
    user = User.objects.get(email="nieuwe.organisator@example.org")
    assert user.name == "Nina Nieuw" and user.check_password(PASSWORD)
    assert user.emailaddress_set.get().verified
    assert Membership.objects.get(user=user).role == Role.ORGANISER
    assert client.get(response["Location"]).status_code == 200
    sent.refresh_from_db()
    assert sent.status == Invitation.Status.ACCEPTED and sent.accepted_by == user


def test_a_weak_password_is_refused_and_the_name_kept(world, sent, client):
    path = link_in(mail.outbox[0])
    response = client.post(path, {"name": "Nina Nieuw", "password1": "123", "password2": "123"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_password1_error"' in html
    assert 'value="Nina Nieuw"' in html
    assert not User.objects.filter(email=sent.email).exists()


def test_link_works_once(world, sent, client):
    path = link_in(mail.outbox[0])
    client.post(path, {"name": "Nina", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "al gebruikt" in response.content.decode()


def test_expired_link_offers_to_ask_for_a_new_one(
    world, sent, client, django_capture_on_commit_callbacks
):
    path = link_in(mail.outbox[0])
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        response = client.get(path)
        assert response.status_code == 410
        assert "verlopen" in response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(path + "nieuwe-link/")
            client.post(path + "nieuwe-link/")  # asking twice sends one message
    assert [m.to for m in mail.outbox[1:]] == [[world.researcher.email]]
    assert "nieuwe.organisator@example.org" in mail.outbox[1].subject
    assert not User.objects.filter(email=sent.email).exists()


def test_resend_replaces_the_old_link(world, sent, client, django_capture_on_commit_callbacks):
    old = link_in(mail.outbox[0])
    later = timezone.now() + datetime.timedelta(minutes=15)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(sent, by=world.researcher)
    new = link_in(mail.outbox[1])
    assert old != new
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200
    assert AuditEvent.objects.filter(action="invitation.resent").count() == 1


def test_revoked_link_is_refused(world, sent, client):
    services.revoke_invitation(sent, by=world.researcher)
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 410
    assert "ingetrokken" in response.content.decode()
    assert AuditEvent.objects.filter(action="invitation.revoked").exists()


def test_tampered_link_says_it_does_not_work(client, world):
    response = client.get("/uitnodiging/geen-echte-sleutel/")
    assert response.status_code == 404
    assert "werkt niet" in response.content.decode()


def test_existing_account_logs_in_then_accepts(world, client, django_capture_on_commit_callbacks):
    person = UserFactory(email="bestaand@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(
            circle=world.circle,
            email="bestaand@example.org",
            role=Role.TRAINER,
            municipality=None,
            by=world.researcher,
        )
    path = link_in(mail.outbox[0])
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(person)
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    assert Membership.objects.get(user=person, circle=world.circle).role == Role.TRAINER


def test_someone_else_logged_in_cannot_take_the_invitation(world, sent, as_role):
    client = as_role("trainer")
    path = link_in(mail.outbox[0])
    client.post(path)
    sent.refresh_from_db()
    assert sent.status == Invitation.Status.PENDING
    assert not Membership.objects.filter(user=world.trainer, role=Role.ORGANISER).exists()


def test_coordinator_invites_civil_servant_into_own_municipality(
    world, as_role, django_capture_on_commit_callbacks
):
    client = as_role("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("municipalities:invite", args=[world.circle.slug]),
            # A municipality in the form is ignored: a coordinator's is their own.
            {"email": "collega@breda.nl", "role": "participant", "municipality": world.tilburg.pk},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="collega@breda.nl")
    assert invitation.municipality == world.breda and invitation.role == Role.PARTICIPANT


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.RESEARCHER, Role.ORGANISER])
def test_coordinator_cannot_grant_a_role_above_their_own(world, as_role, role):
    response = as_role("coordinator").post(
        reverse("municipalities:invite", args=[world.circle.slug]),
        {"email": "baas@breda.nl", "role": role},
    )
    assert response.status_code == 200  # the choice is not offered: an error on the field
    assert 'id="id_role_error"' in response.content.decode()
    assert not Invitation.objects.filter(email="baas@breda.nl").exists()


def test_coordinator_inviting_into_another_municipality_is_refused_and_recorded(world):
    with pytest.raises(services.PermissionDenied):
        services.invite(
            circle=world.circle,
            email="x@tilburg.nl",
            role=Role.PARTICIPANT,
            municipality=world.tilburg,
            by=world.coordinator,
        )
    assert not Invitation.objects.filter(email="x@tilburg.nl").exists()
    assert AuditEvent.objects.filter(action="permission.denied", actor=world.coordinator).exists()


def test_coordinator_cannot_revoke_another_municipalitys_invitation(world, as_role):
    world.invitation.municipality = world.tilburg
    world.invitation.invited_by = world.other_coordinator
    world.invitation.save()
    response = as_role("coordinator").post(
        reverse("municipalities:invitation_revoke", args=[world.circle.slug, world.invitation.pk])
    )
    assert response.status_code == 403
    world.invitation.refresh_from_db()
    assert world.invitation.status == Invitation.Status.PENDING


def test_invitation_to_a_municipality_not_taking_part_is_an_error(world, as_role):
    from tests.factories import MunicipalityFactory

    elsewhere = MunicipalityFactory(name="Zwolle")
    with pytest.raises(services.ServiceError):
        services.invite(
            circle=world.circle,
            email="z@zwolle.nl",
            role=Role.PARTICIPANT,
            municipality=elsewhere,
            by=world.researcher,
        )


def test_duplicate_invitation_and_existing_member_are_errors_on_the_email_field(world, as_role):
    client = as_role("researcher")
    url = reverse("municipalities:invite", args=[world.circle.slug])
    for email in ("nieuw@example.org", "participant@example.org"):
        response = client.post(url, {"email": email, "role": "trainer"})
        assert response.status_code == 200
        assert 'id="id_email_error"' in response.content.decode(), email
    assert Invitation.objects.filter(email="nieuw@example.org").count() == 1


def test_a_failed_send_shows_on_the_invitation(
    world, as_role, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    client = as_role("researcher")
    # Eager Celery (tests only) raises the task's retry into the request; a worker would not.
    with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("municipalities:invite", args=[world.circle.slug]),
            {"email": "pech@example.org", "role": "trainer"},
        )
    invitation = Invitation.objects.get(email="pech@example.org")
    assert invitation.last_email.status == OutgoingEmail.Status.FAILED
    html = client.get(
        reverse("municipalities:participants", args=[world.circle.slug])
    ).content.decode()
    assert "Verzenden mislukt" in html
    assert "ConnectionRefusedError" in html


def test_the_accept_form_starts_with_the_name_the_inviter_typed(world, sent, client):
    page = client.get(link_in(mail.outbox[0]))
    assert 'name="name" value="Nina"' in page.content.decode()


def test_the_municipality_is_not_called_optional_and_is_required_for_civil_servants(world, as_role):
    client = as_role("researcher")
    url = reverse("municipalities:invite", args=[world.circle.slug])
    html = client.get(url).content.decode()
    label = re.search(r'(?s)<label for="id_municipality">(.*?)</label>', html).group(1)
    assert "optioneel" not in label
    assert "Verplicht voor contactpersonen en ambtenaren." in html
    assert ">Kies een gemeente</option>" in html and "---------" not in html
    response = client.post(url, {"email": "nieuw@example.org", "role": "participant"})
    assert response.status_code == 200
    assert "Kies namens welke gemeente deze persoon deelneemt." in response.content.decode()


def test_the_invitation_page_is_not_stored_by_caches(world, client):
    from municipalities.services import make_token

    response = client.get(reverse("invitation_accept", args=[make_token(world.invitation)]))
    assert response.status_code == 200
    assert world.invitation.email in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
