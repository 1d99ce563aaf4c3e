"""What can be checked of deploy/ and the scripts without Docker or a cluster."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from services import SERVICES
from tests.e2e.cli.conftest import ROOT, bash

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


# --- every service in services.SERVICES, generically: a new service fails here until it is deployed ---

PRIVATE_KEY = "BIRLIKTE_JWT_PRIVATE_KEY"
SIGNER = "registry"  # the built-in token issuer; every other service only verifies


def _dsn(name: str) -> str:
    return f"BIRLIKTE_{name.upper()}_DATABASE_URL"


def _compose_services() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]


def _secrets() -> dict[str, dict]:
    return {d["metadata"]["name"]: d["stringData"] for d in _documents(K8S / "secret.example.yaml")}


def _migrate_container() -> dict:
    return _documents(K8S / "migrate-job.yaml")[0]["spec"]["template"]["spec"]["containers"][0]


def _container(doc: dict) -> dict:
    containers = doc["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def test_deploy_files_cover_exactly_the_services():
    from services import SERVICES
    compose = _compose_services()
    deployed = {n.rsplit("-", 1)[0] for n in compose if n.endswith(("-api", "-worker"))}
    assert deployed == set(SERVICES)
    assert {p.stem for p in (K8S / "services").glob("*.yaml")} == set(SERVICES)
    kustomized = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    assert [r for r in kustomized if r.startswith("services/")] == [f"services/{n}.yaml" for n in SERVICES]
    assert {"namespace.yaml", "configmap.yaml"} <= set(kustomized)
    assert "migrate-job.yaml" not in kustomized and "secret.example.yaml" not in kustomized  # applied apart


@pytest.mark.parametrize("name", SERVICES)
def test_compose_runs_each_service_api_and_worker_with_its_own_role(name):
    from shared.cli.serving import DEFAULT_PORTS
    compose = _compose_services()
    dsn, port = _dsn(name), DEFAULT_PORTS[name]
    password = f"${{{name.upper()}_DB_PASSWORD}}"
    api, worker = compose[f"{name}-api"], compose[f"{name}-worker"]
    assert api["command"][:2] == ["serve", name]
    assert api["command"][api["command"].index("--port") + 1] == str(port)
    assert api["ports"] == [f"{port}:{port}"]
    assert f"127.0.0.1:{port}/readyz" in " ".join(api["healthcheck"]["test"])
    assert worker["command"] == ["worker", name]
    assert "ports" not in worker and "healthcheck" not in worker
    for block in (api, worker):
        env = block["environment"]
        assert env[dsn] == f"postgresql://birlikte_{name}:{password}@postgres:5432/birlikte"
        # No other service's DSN, and the admin DSN is migrate's alone.
        assert {k for k in env if k.endswith("_DATABASE_URL")} == {dsn}
        assert block["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert block["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
        assert env["BIRLIKTE_JWT_PUBLIC_KEY"] == "${BIRLIKTE_JWT_PUBLIC_KEY}"  # every service verifies tokens
    # The migrate container gives this role the password of the very DSN the service uses.
    assert compose["migrate"]["environment"][dsn] == api["environment"][dsn]
    example = (DEPLOY / ".env.example").read_text()
    assert f"\n{name.upper()}_DB_PASSWORD=CHANGE-ME" in example


@pytest.mark.parametrize("name", SERVICES)
def test_k8s_runs_each_service_api_and_worker_from_its_own_secret(name):
    from shared.cli.serving import DEFAULT_PORTS
    docs = _documents(K8S / "services" / f"{name}.yaml")
    assert [(d["kind"], d["metadata"]["name"]) for d in docs] == [
        ("Deployment", f"{name}-api"), ("Service", name), ("HorizontalPodAutoscaler", f"{name}-api"),
        ("Deployment", f"{name}-worker")]
    api_deployment, service, hpa, worker_deployment = docs
    for doc in docs:
        assert doc["metadata"]["namespace"] == "birlikte"
    api, worker = _container(api_deployment), _container(worker_deployment)
    port = DEFAULT_PORTS[name]
    assert api["args"][:2] == ["serve", name] and api["args"][api["args"].index("--port") + 1] == str(port)
    assert api["ports"] == [{"name": "http", "containerPort": port}]
    assert api["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert api["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert worker["args"] == ["worker", name] and "ports" not in worker
    for deployment, component in ((api_deployment, "api"), (worker_deployment, "worker")):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == name and labels["app.kubernetes.io/component"] == component
        assert deployment["spec"]["selector"]["matchLabels"] == labels
    for container in (api, worker):
        assert container["envFrom"] == [{"configMapRef": {"name": "birlikte-settings"}},
                                        {"secretRef": {"name": "birlikte-shared"}},
                                        {"secretRef": {"name": f"birlikte-{name}"}}]
        assert "env" not in container  # nothing reaches it but its settings, the shared and its own Secret
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": name, "app.kubernetes.io/component": "api"}
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": f"{name}-api"}
    secret = _secrets()[f"birlikte-{name}"]
    assert secret[_dsn(name)].startswith(f"postgresql://birlikte_{name}:CHANGE-ME@")
    assert {k for k in secret if k.endswith("_DATABASE_URL")} == {_dsn(name)}


def test_the_migrate_job_carries_every_service_dsn_from_that_service_secret():
    from services import SERVICES
    container = _migrate_container()
    assert {"secretRef": {"name": "birlikte-admin"}} in container["envFrom"]
    env = {e["name"]: e for e in container["env"]}
    assert set(env) == {_dsn(name) for name in SERVICES}
    for name in SERVICES:
        assert env[_dsn(name)]["valueFrom"]["secretKeyRef"] == {"name": f"birlikte-{name}", "key": _dsn(name)}
    compose_migrate = _compose_services()["migrate"]["environment"]
    assert {k for k in compose_migrate if k.endswith("_DATABASE_URL")} == {
        "BIRLIKTE_DATABASE_URL", *(_dsn(name) for name in SERVICES)}
    assert "BIRLIKTE_DATABASE_URL" in _secrets()["birlikte-admin"]


def test_only_the_registry_receives_the_private_signing_key():
    from services import SERVICES
    compose = _compose_services()
    holders = {n for n, block in compose.items() if PRIVATE_KEY in (block.get("environment") or {})}
    assert holders == {f"{SIGNER}-api"}  # not even the registry's worker signs
    secrets = _secrets()
    assert {n for n, data in secrets.items() if PRIVATE_KEY in data} == {f"birlikte-{SIGNER}"}
    assert "BIRLIKTE_JWT_PUBLIC_KEY" in secrets["birlikte-shared"]  # what the others verify with
    for name in SERVICES:
        for doc in _documents(K8S / "services" / f"{name}.yaml"):
            if doc["kind"] != "Deployment":
                continue
            container = _container(doc)
            assert PRIVATE_KEY not in {e["name"] for e in container.get("env", [])}
            secrets_read = {s["secretRef"]["name"] for s in container["envFrom"] if "secretRef" in s}
            # The Secret holding the key reaches the signer's pods alone.
            assert (f"birlikte-{SIGNER}" in secrets_read) == (name == SIGNER)
    assert PRIVATE_KEY not in _documents(K8S / "configmap.yaml")[0]["data"]
    assert PRIVATE_KEY not in {e["name"] for e in _migrate_container()["env"]}
    assert PRIVATE_KEY not in compose["migrate"]["environment"]


def test_dockerfile_exposes_every_service_port():
    from shared.cli.serving import DEFAULT_PORTS
    expose = next(line for line in (DEPLOY / "Dockerfile").read_text().splitlines() if line.startswith("EXPOSE "))
    assert {int(p) for p in expose.split()[1:]} >= set(DEFAULT_PORTS.values())


def test_kubectl_renders_the_kustomization_when_available():
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    result = subprocess.run([kubectl, "kustomize", str(K8S)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    rendered = {(d["kind"], d["metadata"]["name"]) for d in yaml.safe_load_all(result.stdout) if d}
    from services import SERVICES
    for name in SERVICES:
        assert {("Deployment", f"{name}-api"), ("Deployment", f"{name}-worker"), ("Service", name),
                ("HorizontalPodAutoscaler", f"{name}-api")} <= rendered
