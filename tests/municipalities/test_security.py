"""Fixes from the security review, each pinned by a test."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from leerkring.models import AuditEvent
from municipalities import services
from municipalities.models import Invitation, Membership, Participation, Role
from tests.factories import CircleFactory, MembershipFactory, ParticipationFactory, UserFactory


def test_superuser_gets_no_circle_rights_from_being_superuser(world, as_role):
    world.participant.is_superuser = True
    world.participant.save()
    client = as_role("participant")
    assert (
        client.get(reverse("municipalities:audit_log", args=[world.circle.slug])).status_code == 403
    )
    url = reverse("municipalities:intake_notes", args=[world.circle.slug, "GM0758"])
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_admin_login_goes_through_allauth(client):
    response = client.get("/beheer/login/?next=/beheer/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_removing_a_role_revokes_the_invitations_that_person_sent(world):
    pending = world.invitation  # sent by the Breda coordinator
    services.remove_membership(world.memberships["coordinator"], by=world.researcher)
    pending.refresh_from_db()
    assert pending.status == Invitation.Status.REVOKED
    assert AuditEvent.objects.filter(
        action="invitation.revoked", data__reason="role.removed"
    ).exists()


def test_an_invitation_lapses_when_its_sender_can_no_longer_invite(world):
    Membership.objects.filter(pk=world.memberships["coordinator"].pk).update(role=Role.PARTICIPANT)
    with pytest.raises(services.ServiceError):
        services.accept_invitation_with_new_account(world.invitation, name="X", password="p")
    assert not Membership.objects.filter(user__email="nieuw@example.org").exists()


def test_withdrawal_revokes_pending_invitations_of_that_municipality(world):
    participation = Participation.objects.get(circle=world.circle, municipality=world.breda)
    services.change_participation_status(participation, "withdrawn", by=world.researcher)
    world.invitation.refresh_from_db()
    assert world.invitation.status == Invitation.Status.REVOKED


def test_municipality_changes_are_logged_in_every_circle_it_takes_part_in(world, as_role):
    ParticipationFactory(circle=world.other_circle, municipality=world.breda)
    as_role("coordinator").post(
        reverse("municipalities:municipality_edit", args=[world.circle.slug, "GM0758"]),
        {"name": "Breda", "province": "NB", "website": "https://www.breda.nl"},
    )
    circles = set(
        AuditEvent.objects.filter(action="municipality.changed").values_list("circle", flat=True)
    )
    assert circles == {world.circle.pk, world.other_circle.pk}


def test_invitation_to_someones_verified_second_address_asks_them_to_log_in(
    world, client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="hoofd@example.org")
    EmailAddress.objects.create(user=owner, email="tweede@example.org", verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(
            circle=world.circle,
            email="tweede@example.org",
            role=Role.TRAINER,
            municipality=None,
            by=world.researcher,
        )
    path = reverse("invitation_accept", args=[services.make_token(invitation)])
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(owner)
    client.post(path)
    assert Membership.objects.get(user=owner, circle=world.circle).role == Role.TRAINER


def test_an_unverified_address_does_not_accept_an_invitation(world, sent_to_trainer_address):
    EmailAddress.objects.filter(user=world.trainer).update(verified=False)
    with pytest.raises(services.ServiceError):
        services.accept_invitation(sent_to_trainer_address, world.trainer)


@pytest.fixture
def sent_to_trainer_address(world):
    Membership.objects.filter(user=world.trainer).delete()
    return services.invite(
        circle=world.circle,
        email=world.trainer.email,
        role=Role.ORGANISER,
        municipality=None,
        by=world.researcher,
    )


def test_resending_is_limited(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(
            circle=world.circle,
            email="druk@example.org",
            role=Role.TRAINER,
            municipality=None,
            by=world.researcher,
        )
    with pytest.raises(services.ServiceError):
        services.resend_invitation(invitation, by=world.researcher)
    later = timezone.now() + datetime.timedelta(minutes=11)
    import time_machine

    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(invitation, by=world.researcher)
    assert len(mail.outbox) == 2


def test_researcher_invites_into_a_municipality_from_its_members_page(world, as_role):
    response = as_role("researcher").post(
        reverse("municipalities:invite_to_municipality", args=[world.circle.slug, "GM0758"]),
        {"email": "wethouder@breda.nl", "role": "coordinator", "municipality": world.tilburg.pk},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="wethouder@breda.nl")
    assert invitation.municipality == world.breda  # from the URL, not the form


def test_invitation_name_is_one_line(world):
    invitation = services.invite(
        circle=world.circle,
        email="regel@example.org",
        role=Role.TRAINER,
        municipality=None,
        name="Piet\n\nKlik hier: http://evil.example",
        by=world.researcher,
    )
    assert "\n" not in invitation.name


def test_people_without_a_name_are_not_shown_by_their_email(world, as_role):
    world.trainer.name = ""
    world.trainer.save()
    html = (
        as_role("participant")
        .get(reverse("municipalities:participants", args=[world.circle.slug]))
        .content.decode()
    )
    assert "trainer@example.org" not in html
    assert "(geen naam)" in html


@pytest.mark.django_db
def test_successful_login_is_recorded(client):
    from tests.factories import PASSWORD

    user = UserFactory(email="binnen@example.org")
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert AuditEvent.objects.filter(action="login.succeeded", actor=user).exists()


@pytest.mark.django_db
def test_a_circle_member_of_one_circle_cannot_reach_another_by_pk(client, settings):
    settings.MFA_REQUIRED = False
    mine = MembershipFactory(role=Role.RESEARCHER)
    theirs = MembershipFactory(circle=CircleFactory(), role=Role.ORGANISER)
    client.force_login(mine.user)
    url = reverse("municipalities:member_remove", args=[mine.circle.slug, theirs.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()
