"""docker-compose.yml against the Compose Specification's JSON schema, plus what operators rely on.

No Docker engine runs here, so the file is checked statically; `docker compose config` is the
stronger check wherever an engine exists.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs in the venv
import pytest
import yaml

from tests.conftest_s3 import skip_or_fail
from tests.shared import EXTERNAL

REPO = Path(__file__).resolve().parents[1]
# The shared folder sits beside the checkout, both here (/work/main, /work/shared) and in CI.
SCHEMA = EXTERNAL / "compose-spec" / "compose-spec.json"
SERVICES = ("api", "worker", "redis", "minio", "postgres")
APP_ENV = ("DUKUNGAN_DATABASE_URL", "DUKUNGAN_BROKER_URL", "DUKUNGAN_STORAGE_URL", "DUKUNGAN_ADMIN_TOKEN")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    if not SCHEMA.is_file():
        skip_or_fail(f"compose schema not found at {SCHEMA}")
    schema = yaml.safe_load(SCHEMA.read_text())  # JSON is YAML; one parser for both files
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def errors(validator: jsonschema.Draft7Validator, document: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_compose_file_matches_the_spec(
    validator: jsonschema.Draft7Validator, compose: dict[str, Any]
) -> None:
    assert errors(validator, compose) == []


def test_schema_check_is_not_vacuous(validator: jsonschema.Draft7Validator, compose: dict[str, Any]) -> None:
    broken = copy.deepcopy(compose)
    broken["services"]["api"]["healthcheck"]["retries"] = ["three"]
    broken["services"]["worker"]["depends_on"] = {"redis": {"condition": "when_it_feels_like_it"}}
    assert len(errors(validator, broken)) >= 2


def healthy_deps(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    assert isinstance(deps, dict), "use the long depends_on form, with conditions"
    return {name: spec.get("condition", "service_started") for name, spec in deps.items()}


@pytest.mark.parametrize("name", SERVICES)
def test_service_is_healthchecked_or_waits_for_healthy_ones(compose: dict[str, Any], name: str) -> None:
    services = compose["services"]
    service = services[name]
    if "healthcheck" in service:
        assert service["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL")
        return
    deps = healthy_deps(service)
    assert deps, f"{name} has neither a healthcheck nor dependencies"
    for dep, condition in deps.items():
        assert condition in ("service_healthy", "service_completed_successfully"), (dep, condition)
        if condition == "service_healthy":
            assert "healthcheck" in services[dep], f"{name} waits for {dep}, which has no healthcheck"


def test_app_services_run_the_documented_commands(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["api"]["command"] == ["dukungan", "serve", "--host", "0.0.0.0", "--port", "8000"]
    assert services["worker"]["command"] == ["dukungan", "worker"]
    assert services["migrate"]["command"] == ["dukungan", "migrate"]
    assert services["migrate"]["restart"] == "no"
    for name in ("api", "worker"):
        assert healthy_deps(services[name]) == {
            "migrate": "service_completed_successfully",
            "postgres": "service_healthy",
            "redis": "service_healthy",
            "minio": "service_healthy",
        }


@pytest.mark.parametrize("name", ["api", "worker", "migrate"])
def test_app_environment(compose: dict[str, Any], name: str) -> None:
    env = compose["services"][name]["environment"]
    assert set(APP_ENV) <= set(env)
    assert env["DUKUNGAN_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert env["DUKUNGAN_DATABASE_URL"].endswith("@postgres:5432/dukungan")
    assert env["DUKUNGAN_BROKER_URL"] == "redis://redis:6379/0"
    assert env["DUKUNGAN_STORAGE_URL"].startswith("s3://")
    assert env["DUKUNGAN_STORAGE_URL"].endswith("@minio:9000/dukungan")
    # Taken from the operator's environment and required, never a default baked in here.
    assert env["DUKUNGAN_ADMIN_TOKEN"].startswith("${DUKUNGAN_ADMIN_TOKEN:?")


def test_data_lives_in_named_volumes(compose: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    for name, path in (("postgres", "/var/lib/postgresql/data"), ("redis", "/data"), ("minio", "/data")):
        mounts = [m.split(":") for m in compose["services"][name]["volumes"]]
        assert any(src in declared and dst == path for src, dst in mounts), name


def test_dockerfile_installs_tesseract_and_the_package() -> None:
    text = (REPO / "Dockerfile").read_text()
    base_images = [line.split()[1] for line in text.splitlines() if line.startswith("FROM ")]
    assert base_images and all(image.startswith("python:3.11-slim") for image in base_images)
    for package in ("tesseract-ocr", "tesseract-ocr-ind", "tesseract-ocr-eng"):
        assert f" {package} " in text or f" {package}\n" in text, package
    assert "pip install" in text and "pip install ." in text
