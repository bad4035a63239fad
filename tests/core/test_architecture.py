"""The rules of DESIGN.md that code can check: the direction of imports between apps."""

import ast
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
# Top to bottom: an app may import from apps above it, never from apps below it.
ORDER = ["leerkring", "municipalities", "sessions", "reflections", "publications"]
# The roof: the project's URLconf and dashboard may gather from every app.
ROOF = {"leerkring/urls.py", "leerkring/views.py"}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(ORDER)


def test_apps_import_only_from_apps_above_them():
    violations = []
    for rank, app in enumerate(ORDER):
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in ROOF or "/migrations/" in relative:
                continue
            for other in imported_apps(path):
                if ORDER.index(other) > rank:
                    violations.append(f"{relative} imports {other}")
    assert violations == []


def test_sessions_app_uses_the_meetings_label():
    assert apps.get_app_config("meetings").name == "sessions"
    assert apps.get_app_config("sessions").name == "django.contrib.sessions"


def test_every_app_says_what_it_is_for():
    for app in ORDER:
        module = __import__(app)
        assert module.__doc__ and len(module.__doc__.split()) > 10, app
