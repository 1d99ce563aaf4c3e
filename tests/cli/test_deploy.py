"""What can be checked of deploy/ and the scripts without Docker or a cluster."""
from __future__ import annotations

import os
import subprocess

import yaml

from tests.cli.conftest import ROOT, bash

DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"


def _documents(path):
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def test_every_deploy_yaml_file_parses():
    files = sorted(DEPLOY.rglob("*.yaml"))
    assert len(files) >= 7
    for path in files:
        assert _documents(path), f"{path} is empty"


def test_compose_runs_migrate_once_before_each_service_api_and_worker():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "rabbitmq", "migrate", "registry-api", "registry-worker"} <= set(services)
    assert services["postgres"]["image"] == "postgres:15"
    assert services["rabbitmq"]["image"] == "rabbitmq:3.13-management"
    assert services["migrate"]["command"] == ["migrate"] and services["migrate"]["restart"] == "no"
    for name in ("registry-api", "registry-worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["environment"]["BIRLIKTE_REGISTRY_DATABASE_URL"].startswith("postgresql://birlikte_registry:")
        assert "BIRLIKTE_DATABASE_URL" not in services[name]["environment"]  # the admin DSN is migrate's alone
    assert services["registry-api"]["command"][:2] == ["serve", "registry"]
    assert "/readyz" in " ".join(services["registry-api"]["healthcheck"]["test"])
    assert services["registry-worker"]["command"] == ["worker", "registry"]


def test_env_example_holds_placeholders_for_every_secret_compose_uses():
    example = (DEPLOY / ".env.example").read_text()
    compose = (DEPLOY / "compose.yaml").read_text()
    for secret in ("POSTGRES_PASSWORD", "RABBITMQ_PASSWORD", "REGISTRY_DB_PASSWORD", "BIRLIKTE_JWT_PRIVATE_KEY"):
        assert f"${{{secret}}}" in compose
        assert f"{secret}=CHANGE-ME" in example


def test_each_k8s_service_file_has_api_service_hpa_and_a_separate_worker():
    for path in sorted((K8S / "services").glob("*.yaml")):
        name = path.stem
        docs = {(d["kind"], d["metadata"]["name"]): d for d in _documents(path)}
        api = docs[("Deployment", f"{name}-api")]["spec"]["template"]["spec"]["containers"][0]
        assert api["args"][:2] == ["serve", name]
        assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
        worker = docs[("Deployment", f"{name}-worker")]["spec"]["template"]["spec"]["containers"][0]
        assert worker["args"] == ["worker", name]
        assert ("Service", name) in docs
        assert docs[("HorizontalPodAutoscaler", f"{name}-api")]["spec"]["scaleTargetRef"]["name"] == f"{name}-api"
        assert f"services/{path.name}" in yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]


def test_k8s_migrate_job_and_dockerfile_run_the_birlikte_command():
    job = _documents(K8S / "migrate-job.yaml")[0]
    assert job["kind"] == "Job"
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    assert 'ENTRYPOINT ["birlikte"]' in dockerfile
    assert "\nUSER " in dockerfile  # not root


def test_scripts_are_executable_and_parse():
    for script in ("scripts/up", "scripts/test", "scripts/services", ".ci/run"):
        path = ROOT / script
        assert os.access(path, os.X_OK), f"{script} is not executable"
        result = subprocess.run([bash(), "-n", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert subprocess.run([bash(), "-n", str(ROOT / "scripts/_venv.sh")]).returncode == 0


def test_every_service_is_deployed_with_its_own_role_and_only_the_registry_signs():
    from services import SERVICES
    from shared.cli.serving import DEFAULT_PORTS
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    kustomized = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    migrate_env = {e["name"] for e in _documents(K8S / "migrate-job.yaml")[0]["spec"]["template"]["spec"]
                   ["containers"][0]["env"]}
    secrets = {d["metadata"]["name"]: d["stringData"] for d in _documents(K8S / "secret.example.yaml")}
    for name in SERVICES:
        dsn = f"BIRLIKTE_{name.upper()}_DATABASE_URL"
        api, worker = compose[f"{name}-api"], compose[f"{name}-worker"]
        assert api["command"][:2] == ["serve", name] and str(DEFAULT_PORTS[name]) in api["command"]
        assert worker["command"] == ["worker", name]
        for block in (api, worker):
            assert block["environment"][dsn].startswith(f"postgresql://birlikte_{name}:")
            assert ("BIRLIKTE_JWT_PRIVATE_KEY" in block["environment"]) == (name == "registry" and block is api)
        assert dsn in compose["migrate"]["environment"] and dsn in migrate_env
        assert f"services/{name}.yaml" in kustomized
        kinds = [(d["kind"], d["metadata"]["name"]) for d in _documents(K8S / "services" / f"{name}.yaml")]
        assert kinds == [("Deployment", f"{name}-api"), ("Service", name), ("HorizontalPodAutoscaler", f"{name}-api"),
                         ("Deployment", f"{name}-worker")]
        assert dsn in secrets[f"birlikte-{name}"]
        assert ("BIRLIKTE_JWT_PRIVATE_KEY" in secrets[f"birlikte-{name}"]) == (name == "registry")
