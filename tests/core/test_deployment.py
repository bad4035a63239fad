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
    assert set(services) == {"web", "worker", "render-worker", "beat", "db", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert {"db", "media"} <= set(compose["volumes"])
    for name in ("web", "worker", "render-worker", "beat"):
        assert services[name]["env_file"] == ".env"
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_renders_have_a_worker_and_a_volume_of_their_own():
    from django.conf import settings

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    render = services["render-worker"]["command"].split()
    assert render[render.index("-Q") + 1] == "renders"
    assert render[render.index("--concurrency") + 1] == "1"
    for option in ("--max-memory-per-child", "--max-tasks-per-child", "--soft-time-limit"):
        assert option in render
    assert render[render.index("--time-limit") + 1] == str(settings.RENDER_TIME_LIMIT)
    assert services["worker"]["command"].split()[4:6] == ["-Q", "celery"]
    assert "private" in compose["volumes"]
    for name in ("web", "render-worker"):
        assert "private:/data/private" in services[name]["volumes"]
    assert settings.CELERY_TASK_ROUTES["publications.tasks.render_document"] == {"queue": "renders"}
    assert "libharfbuzz-subset0" in (ROOT / "Dockerfile").read_text()
    assert "libharfbuzz-subset0" in (ROOT / ".ci" / "run").read_text()


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
