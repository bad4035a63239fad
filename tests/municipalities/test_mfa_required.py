"""Researchers, organisers and staff must set up TOTP first; civil servants may opt in."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, ParticipationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mfa_on(settings):
    settings.MFA_REQUIRED = True


@pytest.mark.parametrize("role", ["researcher", "organiser"])
def test_roles_with_access_to_personal_data_are_sent_to_mfa_set_up(client, role):
    membership = MembershipFactory(role=role)
    client.force_login(membership.user)
    for path in ("/", reverse("municipalities:circle", args=[membership.circle.slug])):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_activate_totp")
    # What they may still reach: MFA set-up (through re-authentication), logout, public pages.
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("accessibility")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302


def test_staff_need_mfa_too(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/")["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


def test_civil_servants_may_opt_in(client):
    place = ParticipationFactory()
    membership = MembershipFactory(
        role="participant", circle=place.circle, municipality=place.municipality
    )
    client.force_login(membership.user)
    assert client.get("/").status_code == 200


def test_with_totp_set_up_everything_opens(client):
    from allauth.mfa.models import Authenticator

    membership = MembershipFactory(role="researcher")
    Authenticator.objects.create(
        user=membership.user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    client.force_login(membership.user)
    assert client.get("/").status_code == 200


def test_switched_off_for_the_demo(client, settings):
    settings.MFA_REQUIRED = False
    client.force_login(MembershipFactory(role="researcher").user)
    assert client.get("/").status_code == 200
