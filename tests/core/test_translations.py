"""Dutch is the default language, and every string people see has a Dutch translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "{language}" / "LC_MESSAGES" / "django.po"


def messages(language: str):
    with open(str(CATALOGUE).format(language=language), "rb") as po:
        return [m for m in read_po(po) if m.id]


def test_every_dutch_string_is_translated():
    catalogue = messages("nl")
    assert len(catalogue) > 50
    untranslated = [
        m.id
        for m in catalogue
        if not m.string or (isinstance(m.string, tuple) and not all(m.string))
    ]
    fuzzy = [m.id for m in catalogue if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_english_catalogue_exists_with_the_same_strings():
    assert {str(m.id) for m in messages("en")} == {str(m.id) for m in messages("nl")}


def test_compiled_catalogues_are_present():
    for language in ("nl", "en"):
        mo = Path(str(CATALOGUE).format(language=language)).with_suffix(".mo")
        assert mo.exists(), f"run `make compilemessages` ({mo} is missing)"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) not installed")
def test_catalogues_contain_every_string_in_the_code(tmp_path):
    """Re-extract into a copy: a string added to code or templates must be in the catalogue."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "data", ".git", "node_modules", "staticfiles", "tests"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "nl",
            "--no-obsolete",
            "--ignore",
            "data/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin"},
    )
    with open(copy / "locale/nl/LC_MESSAGES/django.po", "rb") as po:
        extracted = {str(m.id) for m in read_po(po) if m.id}
    known = {str(m.id) for m in messages("nl")}
    assert sorted(extracted - known) == []
