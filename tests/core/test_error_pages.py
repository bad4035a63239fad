"""With DEBUG on (as in `make run`) the platform shows its own 404 and 500 pages; Django's
technical pages only with DEBUG_TECHNICAL_PAGES. This module is also the URLconf of its tests."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import include, path

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def crash(request):
    raise RuntimeError("deliberate failure for the error page test")


def missing(request):
    raise Http404("no such meeting")


def refused(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("deliberate: too many fields")


urlpatterns = [
    path("crash/", crash),
    path("missing/", missing),
    path("refused/", refused),
    path("suspicious/", suspicious),
    path("", include("leerkring.urls")),
]


@pytest.fixture
def debug_mode(settings):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_PAGES = False
    settings.ROOT_URLCONF = __name__
    return settings


@pytest.mark.parametrize("url", ["/bestaat-niet/", "/missing/"])
def test_a_404_in_debug_is_our_page_without_the_url_list(client, debug_mode, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina niet gevonden" in html
    assert 'class="skip-link"' in html
    assert "URLconf" not in html and "kringen/" not in html
    assert "no such meeting" not in html


def test_a_missing_slash_is_still_added_in_debug(client, debug_mode):
    response = client.get("/toegankelijkheid")
    assert response.status_code == 301
    assert response["Location"] == "/toegankelijkheid/"


def test_a_500_in_debug_is_our_page_and_is_logged_with_its_traceback(client, debug_mode, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/crash/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Er is iets misgegaan" in html
    assert "Traceback" not in html and "deliberate failure" not in html
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "Internal Server Error: /crash/"
    assert record.exc_info and isinstance(record.exc_info[1], RuntimeError)
    assert "deliberate failure" in logging.Formatter().format(record)


def test_a_403_in_debug_keeps_its_own_page(client, debug_mode):
    response = client.get("/refused/")
    assert response.status_code == 403


def test_a_bad_request_in_debug_is_our_400_page_without_settings(client, debug_mode):
    client.raise_request_exception = False
    response = client.get("/suspicious/")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="skip-link"' in html
    assert "deliberate" not in html and "SECRET_KEY" not in html and "Traceback" not in html


def test_technical_pages_when_asked_for(client, debug_mode):
    debug_mode.DEBUG_TECHNICAL_PAGES = True
    client.raise_request_exception = False
    not_found = client.get("/bestaat-niet/").content.decode()
    assert "URLconf" in not_found
    crashed = client.get("/crash/")
    assert crashed.status_code == 500
    assert "deliberate failure" in crashed.content.decode()


@pytest.mark.parametrize(
    ("debug", "technical", "expected"),
    [("true", None, "False"), ("true", "true", "True"), ("false", "true", "False")],
)
def test_the_setting_is_off_by_default_and_never_on_without_debug(
    tmp_path, debug, technical, expected
):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DEBUG_TECHNICAL_PAGES", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(DEBUG=debug, DATA_DIR=str(tmp_path), SECRET_KEY="tests-only-" + "k" * 60)
    if technical is not None:
        environment["DEBUG_TECHNICAL_PAGES"] = technical
    result = subprocess.run(
        [sys.executable, "-c", "import leerkring.settings as s; print(s.DEBUG_TECHNICAL_PAGES)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == expected, result.stderr
