"""Findings of the production-mode probe: caching of personal responses, the language cookie,
the CSRF failure page, and links in allauth's e-mails."""

import json
import os
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.core.test_pages import assert_in_layout
from tests.core.test_settings import STRONG_KEY, run_manage
from tests.factories import CircleFactory, MeetingFactory, MembershipFactory, UserFactory

NO_STORE = {"private", "no-store"}


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


# --- Cache-Control -----------------------------------------------------------------------------


@pytest.fixture
def member(db, settings):
    settings.MFA_REQUIRED = False
    user = UserFactory()
    circle = CircleFactory(slug="kring")
    MembershipFactory(user=user, circle=circle, role="researcher")
    return user, MeetingFactory(circle=circle)


def test_pages_for_a_logged_in_person_are_not_stored(client, member):
    user, meeting = member
    client.force_login(user)
    for url in [
        reverse("home"),
        reverse("my_calendar"),
        reverse("account_email"),
        meeting.get_absolute_url(),
        reverse("municipalities:circle", args=["kring"]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert cache_control(response) >= NO_STORE, url


def test_a_redirect_to_a_logged_in_person_is_not_stored_either(client, member):
    user, meeting = member
    client.force_login(user)
    response = client.post(reverse("meetings:register", args=["kring", meeting.pk]))
    assert response.status_code == 302
    assert cache_control(response) >= NO_STORE


def test_exports_and_the_personal_feed_are_not_stored(client, member):
    user, meeting = member
    client.force_login(user)
    for url in [
        reverse("meetings:registrations_csv", args=["kring", meeting.pk]),
        reverse("meetings:ics", args=["kring", meeting.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert cache_control(response) >= NO_STORE, url
    # The feed is fetched without a session, by a calendar program: it says so itself.
    feed = Client().get(reverse("calendar_feed", args=[user.calendar_token]))
    assert feed.status_code == 200
    assert cache_control(feed) >= NO_STORE


def test_public_pages_stay_cacheable(client, db):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)


# --- The language cookie -----------------------------------------------------------------------


def test_language_cookie_is_secure_lax_and_http_only_in_production():
    result = run_manage(
        "shell",
        "-c",
        "import json; from django.conf import settings as s; print(json.dumps("
        "[s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_HTTPONLY]))",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="leerkring.example.org",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1/leerkring"),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [True, "Lax", True]


def test_language_cookie_is_not_secure_in_development(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.LANGUAGE_COOKIE_SECURE)",
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_the_language_switch_sets_the_cookie_with_those_flags(client, db, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# --- The CSRF failure page ---------------------------------------------------------------------


def test_a_form_without_csrf_token_gets_our_page_in_dutch(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 403
    html = response.content.decode()
    assert_in_layout(html)
    assert '<html lang="nl">' in html
    assert "Het formulier kon niet worden verstuurd" in html
    assert "CSRF" not in html


# --- Links in allauth's e-mails ----------------------------------------------------------------


def _links(body: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", body)


@pytest.mark.parametrize("sender", ["reset", "unknown"])
def test_password_reset_links_come_from_site_url_not_the_host_header(
    sender, db, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    settings.SITE_URL = "https://leerkring.example.org"
    email = "vergeten@example.org" if sender == "reset" else "onbekend@example.org"
    UserFactory(email="vergeten@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            reverse("account_reset_password"), {"email": email}, HTTP_HOST="evil.example"
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    links = _links(message.body) + [
        link for content, _type in getattr(message, "alternatives", []) for link in _links(content)
    ]
    assert all(link.startswith("https://leerkring.example.org/") for link in links), links
    assert "evil.example" not in message.body
    if sender == "reset":
        assert any("/accounts/password/reset/key/" in link for link in links), message.body


def test_email_confirmation_link_comes_from_site_url(
    db, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    settings.SITE_URL = "https://leerkring.example.org"
    client = Client(HTTP_HOST="evil.example")
    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": "tweede@example.org"}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    message = mail.outbox[-1]
    links = _links(message.body)
    assert any("/accounts/confirm-email/" in link for link in links), message.body
    assert all(link.startswith("https://leerkring.example.org/") for link in links), links
