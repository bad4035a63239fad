"""The Dutch interface says "je" and uses one word per concept, also on allauth's pages; the
language switch keeps you where you were."""

import html
import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# "u"/"uw" where the platform says "je"; the package wordings we replaced; and "aanmelden",
# which on this platform means registering for a meeting, never logging in.
FORBIDDEN = re.compile(
    r"\b(u|uw)\b|twee-factor|QR code|authenticator app|authenticator code|aanmeld|afmeld",
    re.IGNORECASE,
)


def main_text(response) -> str:
    page = response.content.decode()
    main = re.search(r"(?s)<main.*?</main>", page)
    assert main, page[:500]
    text = re.sub(r"(?s)<script.*?</script>", " ", main.group(0))
    attributes = " ".join(re.findall(r'(?:alt|placeholder|aria-label)="([^"]*)"', text))
    return html.unescape(re.sub(r"<[^>]+>", " ", text) + " " + attributes)


def assert_dutch_wording(response, path: str) -> None:
    assert response.status_code == 200, path
    text = main_text(response)
    found = {match.group(0) for match in FORBIDDEN.finditer(text)}
    assert not found, f"{path}: {found} in {' '.join(text.split())[:400]}"


def test_login_and_password_reset_pages(client):
    UserFactory(email="vergeten@example.org")
    for path in (reverse("account_login"), reverse("account_reset_password")):
        assert_dutch_wording(client.get(path), path)
    wrong = client.post(reverse("account_login"), {"login": "x@example.org", "password": "fout"})
    assert_dutch_wording(wrong, "login with a wrong password")
    done = client.post(
        reverse("account_reset_password"), {"email": "vergeten@example.org"}, follow=True
    )
    assert_dutch_wording(done, "password reset sent")
    bad_key = client.get("/accounts/password/reset/key/1-set-abc/", follow=True)
    assert_dutch_wording(bad_key, "password reset with a bad key")


def test_the_password_reset_email(client, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="vergeten@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "vergeten@example.org"})
    message = mailoutbox[0]
    assert "Nieuw wachtwoord instellen" in message.subject
    assert not FORBIDDEN.search(message.body), message.body
    assert "Met vriendelijke groet" in message.body


def test_account_pages_logged_in(client):
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    pages = [
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
        reverse("mfa_activate_totp"),
        reverse("account_logout"),
    ]
    for path in pages:
        assert_dutch_wording(client.get(path), path)
    page = main_text(client.get(reverse("mfa_activate_totp")))
    assert "QR-code" in page and "authenticator-app" in page
    # The password help (Django's validators) and the errors of a weak new password.
    weak = client.post(
        reverse("account_change_password"),
        {"oldpassword": "fout", "password1": "123", "password2": "1234"},
    )
    assert_dutch_wording(weak, "password change with errors")
    assert "Je wachtwoord moet minstens 8 tekens lang zijn." in main_text(weak)
    assert "Dit wachtwoord is te kort" in main_text(weak)

    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    generated = client.post(reverse("mfa_generate_recovery_codes"), follow=True)
    assert_dutch_wording(generated, "recovery codes generated")
    for path in (
        reverse("mfa_index"),
        reverse("mfa_view_recovery_codes"),
        reverse("mfa_generate_recovery_codes"),
        reverse("mfa_deactivate_totp"),
        reverse("account_reauthenticate"),
    ):
        assert_dutch_wording(client.get(path), path)


def test_second_factor_at_login(client):
    user = UserFactory()
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert response.resolver_match.url_name == "mfa_authenticate"
    assert_dutch_wording(response, "MFA at login")
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert_dutch_wording(wrong, "wrong code")
    assert "Deze code klopt niet." in main_text(wrong)


def test_the_language_switch_returns_to_the_page_you_were_on(client):
    client.force_login(UserFactory())
    page = client.get(reverse("account_email") + "?tab=1")
    here = re.search(r'name="next" value="([^"]*)"', page.content.decode())
    assert html.unescape(here.group(1)) == "/accounts/email/?tab=1"
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/accounts/email/?tab=1"}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/email/?tab=1"
    assert client.get("/accounts/email/")["Content-Language"] == "en"


@pytest.mark.parametrize(
    "unsafe", ["https://example.com/", "//example.com/", "javascript:alert(1)"]
)
def test_the_language_switch_never_leaves_the_site(client, unsafe):
    response = client.post(reverse("set_language"), {"language": "en", "next": unsafe})
    assert response.status_code == 302
    assert response["Location"] == "/"
