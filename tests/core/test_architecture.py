"""The rules of DESIGN.md that code can check: the direction of dependency between apps, in
Python imports, in dotted strings and URL names in Python, and in templates' `{% url %}` tags."""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[2]
# Top to bottom: an app may use apps above it, never apps below it.
ORDER = ["leerkring", "municipalities", "sessions", "reflections", "publications"]
# The roof: the project's URLconf, its settings (which list every app, middleware and task) and
# the base layout in templates/ may gather from every app. The dashboard is no longer part of it:
# apps plug their sections in through leerkring/registry.py.
ROOF = {"leerkring/urls.py", "leerkring/settings.py"}
ROOF_TEMPLATES = ROOT / "templates"
DOTTED = re.compile(r"^(" + "|".join(ORDER) + r")(\.\w+)+$")
URL_TAG = re.compile(r"""\{%\s*url\s+['"]([\w:-]+)['"]""")


def imported_apps(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(ORDER)


def url_owners() -> dict[str, str]:
    """Every URL name (with namespace) mapped to the app whose view serves it."""
    owners = {}

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                owners[f"{namespace}{pattern.name}"] = pattern.callback.__module__.split(".")[0]

    walk(get_resolver())
    return owners


def strings_used(tree: ast.AST) -> set[str]:
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def apps_named_by(strings: set[str], owners: dict[str, str]) -> set[str]:
    """Apps that these strings point into: dotted paths ("sessions.tasks.x") and URL names."""
    named = set()
    for value in strings:
        if DOTTED.match(value):
            named.add(value.split(".")[0])
        elif value in owners and ":" in value:
            named.add(owners[value])
    return named & set(ORDER)


def python_files():
    for rank, app in enumerate(ORDER):
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in ROOF or "/migrations/" in relative:
                continue
            yield rank, relative, ast.parse(path.read_text(), filename=str(path))


def test_apps_import_only_from_apps_above_them():
    violations = [
        f"{relative} imports {other}"
        for rank, relative, tree in python_files()
        for other in imported_apps(tree)
        if ORDER.index(other) > rank
    ]
    assert violations == []


def test_dotted_strings_and_url_names_in_python_point_only_upward():
    owners = url_owners()
    violations = [
        f"{relative} names {other}"
        for rank, relative, tree in python_files()
        for other in apps_named_by(strings_used(tree), owners)
        if ORDER.index(other) > rank
    ]
    assert violations == []


def test_templates_link_only_to_apps_above_them():
    owners = url_owners()
    violations = []
    for rank, app in enumerate(ORDER):
        for path in sorted((ROOT / app / "templates").rglob("*")):
            if not path.is_file():
                continue
            for name in URL_TAG.findall(path.read_text()):
                owner = owners.get(name)
                if owner in ORDER and ORDER.index(owner) > rank:
                    violations.append(f"{path.relative_to(ROOT)} links to {name} ({owner})")
    assert violations == []


def test_the_checks_see_what_they_look_for():
    """The checks above would catch a violation: they find the links and names that exist."""
    owners = url_owners()
    assert owners["meetings:list"] == "sessions"
    assert owners["municipalities:circle"] == "municipalities"
    assert apps_named_by({"sessions.tasks.send_reminders", "meetings:detail"}, owners) == {
        "sessions"
    }
    base = (ROOF_TEMPLATES / "base.html").read_text()
    assert "my_calendar" in URL_TAG.findall(base)


def test_sessions_app_uses_the_meetings_label():
    assert apps.get_app_config("meetings").name == "sessions"
    assert apps.get_app_config("sessions").name == "django.contrib.sessions"


def test_every_app_says_what_it_is_for():
    for app in ORDER:
        module = __import__(app)
        assert module.__doc__ and len(module.__doc__.split()) > 10, app
