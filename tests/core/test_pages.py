import pytest
from django.test import RequestFactory
from django.urls import get_resolver, reverse

from tests.factories import PASSWORD, CircleFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_in_layout(html: str) -> None:
    """Our base layout: skip link, header with navigation, main landmark, footer."""
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert "<nav" in html and "<footer" in html
    assert reverse("accessibility") in html


def test_public_home_is_dutch_by_default_even_for_english_browsers(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nl">' in html
    assert "Inloggen" in html
    assert_in_layout(html)


def test_dashboard_lists_my_circles_with_my_role(client, settings):
    settings.MFA_REQUIRED = False  # researchers need MFA; that has tests of its own
    researcher = UserFactory(name="Wieke Blijleven")
    circle = CircleFactory(name="Ambtelijk vakmanschap in de participatiemaatschappij")
    MembershipFactory(user=researcher, circle=circle, role="researcher")
    client.force_login(researcher)
    html = client.get("/").content.decode()
    assert "Welkom, Wieke" in html
    assert "Ambtelijk vakmanschap in de participatiemaatschappij" in html
    assert "jouw rol: onderzoeker" in html
    assert reverse("municipalities:circle", args=[circle.slug]) in html


def test_dashboard_of_someone_without_circles_explains_why_it_is_empty(client):
    CircleFactory(name="Een kring van anderen")
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert "Een kring van anderen" not in html
    assert "nog niet deel aan een leerkring" in html


def test_dashboard_query_count_does_not_grow_with_circles(
    client, settings, django_assert_num_queries
):
    """Measures the dashboard itself (status 200), not a redirect to the MFA set-up. The
    counts per role, with meetings, agreements and invitations, are in test_dashboard.py."""
    settings.MFA_REQUIRED = False
    user = UserFactory()
    client.force_login(user)
    MembershipFactory.create_batch(3, user=user, role="organiser")
    with django_assert_num_queries(10):
        assert client.get("/").status_code == 200
    MembershipFactory.create_batch(20, user=user, role="organiser")
    with django_assert_num_queries(10):
        assert client.get("/").status_code == 200


def test_language_switch_to_english_without_javascript(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert '<html lang="nl">' in client.get("/").content.decode()


def test_accessibility_statement(client):
    html = client.get(reverse("accessibility")).content.decode()
    assert "Toegankelijkheidsverklaring" in html
    assert "WCAG" in html
    assert_in_layout(html)


def test_unknown_url_gives_404_in_our_layout(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina niet gevonden" in html
    assert_in_layout(html)


def test_server_error_page_renders_in_our_layout_without_a_request_context():
    handler = get_resolver().resolve_error_handler(500)
    response = handler(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Er is iets misgegaan" in html
    assert_in_layout(html)


def test_a_view_that_crashes_shows_the_500_page(client, settings):
    settings.ROOT_URLCONF = "tests.core.crashing_urls"
    client.raise_request_exception = False
    response = client.get("/crash/")
    assert response.status_code == 500
    assert "Er is iets misgegaan" in response.content.decode()


def test_account_pages_use_our_layout(client):
    client.force_login(UserFactory())
    for name in ["account_email", "account_change_password", "mfa_index"]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_in_layout(response.content.decode())


def test_form_errors_are_tied_to_their_fields(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "fout", "password1": PASSWORD, "password2": PASSWORD},
    )
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert html.count('id="id_oldpassword_error"') == 1
    assert 'aria-describedby="id_oldpassword_helptext id_oldpassword_error"' in html
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_responses_carry_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_language_choice_is_remembered_on_the_account(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
