"""Researchers, organisers and staff must set up TOTP first; civil servants may opt in."""

import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, MembershipFactory, ParticipationFactory, UserFactory

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


def test_one_password_entry_leads_straight_to_the_authenticator_set_up(client):
    """Right after logging in, MFA set-up does not ask for the password a second time."""
    membership = MembershipFactory(role="researcher")
    response = client.post(
        reverse("account_login"),
        {"login": membership.user.email, "password": PASSWORD},
        follow=True,
    )
    visited = [url for url, _status in response.redirect_chain]
    assert not any(url.startswith(reverse("account_reauthenticate")) for url in visited), visited
    assert response.status_code == 200
    assert response.resolver_match.url_name == "mfa_activate_totp"
    html = response.content.decode()
    assert 'id="authenticator_secret"' in html and 'type="password"' not in html


def test_an_invited_organiser_sets_up_mfa_without_typing_the_new_password_again(
    client, django_capture_on_commit_callbacks
):
    from django.core import mail

    from municipalities import services
    from municipalities.models import Role

    researcher = MembershipFactory(role="researcher")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(
            circle=researcher.circle,
            email="nieuw@example.org",
            role=Role.ORGANISER,
            municipality=None,
            name="Nina Nieuw",
            by=researcher.user,
        )
    path = re.search(r"http://localhost:8000(/uitnodiging/[^/\s]+/)", mail.outbox[0].body)[1]
    response = client.post(
        path, {"name": "Nina Nieuw", "password1": PASSWORD, "password2": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.resolver_match.url_name == "mfa_activate_totp"
