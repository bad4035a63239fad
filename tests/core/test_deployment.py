"""The deployment files, read as docker compose would (there is no Docker engine to run them)."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]


def test_compose_has_every_service_with_a_healthcheck():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert {"db", "media"} <= set(compose["volumes"])
    for name in ("web", "worker", "beat"):
        assert services[name]["env_file"] == ".env"
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_env_example_names_only_documented_variables():
    readme = (ROOT / "README.md").read_text()
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            assert f"`{line.split('=')[0]}`" in readme, line


def test_every_environment_variable_in_settings_is_documented():
    import re

    settings_source = (ROOT / "leerkring" / "settings.py").read_text()
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    assert len(names) > 10
    readme = (ROOT / "README.md").read_text()
    assert sorted(name for name in names if f"`{name}`" not in readme) == []


@pytest.mark.django_db
def test_healthcheck_command_passes_when_all_is_up(capsys):
    call_command("healthcheck")
    assert '"broker": "ok"' in capsys.readouterr().out


@pytest.mark.django_db
def test_healthcheck_command_fails_when_the_broker_is_down(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    with pytest.raises(CommandError, match="unhealthy: broker"):
        call_command("healthcheck")
