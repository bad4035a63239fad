"""Two-factor authentication with an authenticator app; codes computed as the app would."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def totp(secret: str) -> str:
    counter = int(time.time()) // 30
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def login(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_activate_totp_then_log_in_with_a_code(client):
    user = UserFactory(email="tweestaps@example.org")
    login(client, user.email)

    # The password typed to log in a moment ago counts: no second prompt before MFA set-up.
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, allowed by our CSP
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', html, re.S)
    secret = secret or re.search(r'value="([A-Z2-7]{16,})"[^>]*id="authenticator_secret"', html)
    assert secret, "the secret is shown for people who cannot scan the QR code"

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and 'aria-invalid="true"' in wrong.content.decode()

    activated = client.post(reverse("mfa_activate_totp"), {"code": totp(secret.group(1))})
    assert activated.status_code == 302
    assert user.authenticator_set.filter(type="totp").exists()

    client.post(reverse("account_logout"))
    response = login(client, user.email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert not client.get("/").wsgi_request.user.is_authenticated

    response = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert 'aria-invalid="true"' in response.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": totp(secret.group(1))})
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == user


def test_a_sensitive_step_later_asks_for_the_password_again(client, settings):
    """The login counts as recent authentication only for ACCOUNT_REAUTHENTICATION_TIMEOUT."""
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    user = UserFactory()
    login(client, user.email)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_a_session_without_a_password_entry_is_asked_for_it(client):
    """Only a login with the password counts, not a session that merely is logged in."""
    client.force_login(UserFactory())
    page = client.get(reverse("mfa_activate_totp"))
    assert page["Location"].startswith(reverse("account_reauthenticate"))
