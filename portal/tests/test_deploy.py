"""The production-like deployment files stay consistent with the settings.

docker-compose.yml itself is validated by `make compose-check` (CI installs
docker-compose); these tests pin the rules that a syntax check cannot see.
"""

import importlib.util
import re
import runpy
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SETTINGS_SOURCE = (ROOT / "portal" / "settings.py").read_text()
# Every variable the settings read: env.str("X"), env.bool("X"), environ.Env().str("X"), ...
SETTINGS_VARIABLES = set(re.findall(r"\.(?:str|bool|int|list)\(\s*\"([A-Z_]+)\"", SETTINGS_SOURCE))
GUNICORN_VARIABLES = set(
    re.findall(r"environ\.get\(\"([A-Z_]+)\"", (ROOT / "portal/gunicorn.conf.py").read_text())
)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _load_healthcheck():
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "deploy/healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_settings_variables_are_found():
    # Guards the regular expression: a rename in settings must not empty the set.
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DEFAULT_FROM_EMAIL"} <= (
        SETTINGS_VARIABLES
    )


def test_every_settings_variable_is_documented():
    documentation = (ROOT / "docs/deployment.md").read_text()
    missing = sorted(name for name in SETTINGS_VARIABLES if f"`{name}`" not in documentation)
    assert not missing, f"docs/deployment.md does not describe {missing}"


def test_compose_has_no_top_level_name_which_docker_compose_v1_rejects(compose):
    assert "name" not in compose


def test_compose_runs_the_whole_stack(compose):
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis", "mail", "migrate"} <= set(services)
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["mail"]["image"].startswith("axllent/mailpit")
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]


def test_long_running_services_have_health_checks(compose):
    for name in ("web", "worker", "db", "redis", "mail"):
        assert compose["services"][name]["healthcheck"]["test"], name
    assert "deploy/healthcheck.py" in compose["services"]["web"]["healthcheck"]["test"]


def test_the_portal_waits_for_healthy_dependencies_and_migrations(compose):
    for name in ("web", "worker", "beat"):
        depends_on = compose["services"][name]["depends_on"]
        assert depends_on["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends_on["redis"] == {"condition": "service_healthy"}, name
    assert compose["services"]["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert compose["services"]["migrate"]["restart"] == "no"


def test_state_lives_in_named_volumes(compose):
    volumes = set(compose["volumes"])
    mounts = {
        name: [mount.split(":")[0] for mount in service.get("volumes", [])]
        for name, service in compose["services"].items()
    }
    assert "postgres" in mounts["db"] and "redis" in mounts["redis"]
    assert "media" in mounts["web"] and "media" in mounts["worker"]
    assert set().union(*mounts.values()) <= volumes


def test_compose_environment_is_read_by_the_portal(compose):
    environment = compose["services"]["web"]["environment"]
    assert environment["DJANGO_ENV"] == "production"
    assert "${SECRET_KEY:?" in environment["SECRET_KEY"]
    assert environment["SECURE_SSL_REDIRECT"].endswith(":-false}")
    assert environment["EMAIL_URL"].endswith("smtp://mail:1025}")
    unknown = set(environment) - SETTINGS_VARIABLES - GUNICORN_VARIABLES
    assert not unknown, f"docker-compose.yml sets variables nothing reads: {sorted(unknown)}"


def test_the_example_environment_holds_no_secret():
    values = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert values["SECRET_KEY"] == ""
    assert values["POSTGRES_PASSWORD"] == ""


def test_the_image_runs_as_an_unprivileged_user_and_collects_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    assert "collectstatic --noinput" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".env", ".venv", "var", ".git"} <= set(ignored)


def test_gunicorn_settings_follow_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    config = runpy.run_path(str(ROOT / "portal/gunicorn.conf.py"))
    assert config["workers"] == 5
    assert config["bind"] == "0.0.0.0:8000"
    assert config["control_socket_disable"] is True


@pytest.mark.parametrize(
    ("allowed_hosts", "expected"),
    [
        ("portal.example.org,localhost", "portal.example.org"),
        (".example.org", "example.org"),
        ("*", "localhost"),
        (" localhost ", "localhost"),
    ],
)
def test_the_container_health_check_uses_an_allowed_host(allowed_hosts, expected):
    assert _load_healthcheck().host_header(allowed_hosts) == expected


@pytest.mark.django_db(transaction=True)
def test_the_container_health_check_passes_only_on_200(live_server):
    healthcheck = _load_healthcheck()
    assert healthcheck.check(f"{live_server.url}/healthz", "localhost") is True
    assert healthcheck.check(f"{live_server.url}/no-such-page", "localhost") is False
    # A host Django does not accept answers 400: unhealthy.
    assert healthcheck.check(f"{live_server.url}/healthz", "evil.example") is False
    with pytest.raises(ValueError, match="http or https"):
        healthcheck.check("file:///etc/passwd", "localhost")


def test_pre_commit_runs_the_pinned_ruff():
    pinned = re.search(r"^ruff==(\S+)$", (ROOT / "requirements-dev.txt").read_text(), re.M)
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format"} <= set(hooks)
    for name in ("ruff-check", "ruff-format"):
        assert hooks[name]["additional_dependencies"] == [f"ruff=={pinned.group(1)}"]
    # djLint may lint templates, never reformat them.
    assert "--lint" in hooks["djlint"]["entry"]
