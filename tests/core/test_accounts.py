import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from leerkring.models import OutgoingEmail
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
WRONG = "De e-mail en/of het wachtwoord die je opgaf zijn niet correct."


def error_text(response) -> str:
    html = response.content.decode()
    match = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', html, re.S)
    assert match, "no error summary on the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_login_with_email_and_password_leads_to_the_dashboard(client):
    user = UserFactory(email="ambtenaar@example.org")
    response = client.post(LOGIN, {"login": "Ambtenaar@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get("/").wsgi_request.user == user


def test_wrong_password_and_unknown_account_get_the_same_message(client):
    UserFactory(email="bestaat@example.org")
    wrong_password = client.post(LOGIN, {"login": "bestaat@example.org", "password": "fout"})
    unknown = client.post(LOGIN, {"login": "onbekend@example.org", "password": "fout"})
    assert wrong_password.status_code == unknown.status_code == 200
    assert error_text(wrong_password) == error_text(unknown)
    assert "Het e-mailadres of het wachtwoord klopt niet." in error_text(unknown)
    # The address the person typed stays in the form.
    assert 'value="bestaat@example.org"' in wrong_password.content.decode()


def test_repeated_failed_logins_are_rate_limited(client):
    UserFactory(email="doelwit@example.org")
    for _attempt in range(5):
        client.post(LOGIN, {"login": "doelwit@example.org", "password": "fout"})
    response = client.post(LOGIN, {"login": "doelwit@example.org", "password": PASSWORD})
    assert "Te vaak geprobeerd in te loggen" in error_text(response)
    assert not response.wsgi_request.user.is_authenticated


def test_there_is_no_open_sign_up(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "Registratie gesloten" in response.content.decode()
    response = client.post(
        reverse("account_signup"),
        {"email": "nieuw@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    from leerkring.models import User

    assert not User.objects.filter(email="nieuw@example.org").exists()


def test_password_reset_mail_goes_through_the_outbox(client, django_capture_on_commit_callbacks):
    UserFactory(email="vergeten@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "vergeten@example.org"})
    assert response.status_code == 302
    email = OutgoingEmail.objects.get(to="vergeten@example.org")
    assert email.status == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[Leerkring] ")
    assert "wachtwoord" in mail.outbox[0].body.lower()
    assert mail.outbox[0].body.startswith("Hallo,")
    assert "Met vriendelijke groet,\nLeerkring" in mail.outbox[0].body
    # The link is on SITE_URL, never on the Host the request came with.
    site = re.escape(settings.SITE_URL)
    link = re.search(site + r"(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0] if response.redirect_chain else link.group(1),
        {"password1": "nieuw-wachtwoord-77", "password2": "nieuw-wachtwoord-77"},
    )
    assert response.status_code == 302
    assert (
        client.post(
            LOGIN, {"login": "vergeten@example.org", "password": "nieuw-wachtwoord-77"}
        ).status_code
        == 302
    )


def test_logout_needs_a_post(client):
    client.force_login(UserFactory())
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not client.get("/").wsgi_request.user.is_authenticated
