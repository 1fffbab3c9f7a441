"""docker-compose.yml, checked for its shape (Docker may not run here): every part is
there with a healthcheck, what a 202 stored survives a container's recreation, nothing
takes a host port of a local broker, and every command is one the CLI accepts."""

from __future__ import annotations

import re
import tomllib
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from hub.cli.main import build_parser
from tests.support.configs import REPO, example_config

COMPOSE = REPO / "docker-compose.yml"
LOCAL_SERVICE_PORTS = {5432, 5672, 6379, 15672, 25672, 26379, 4369}


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return data


def _services() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = _compose()["services"]
    return services


def _hub_services() -> dict[str, dict[str, Any]]:
    return {n: s for n, s in _services().items() if s.get("image") == "omnihub:dev"}


def _image_health_url() -> str:
    found = re.search(r"^ENV OMNIHUB_HEALTH_URL=(\S+)$", (REPO / "Dockerfile").read_text(), re.M)
    assert found, "the Dockerfile sets no OMNIHUB_HEALTH_URL for its HEALTHCHECK"
    return found.group(1)


def _volume_at(service: dict[str, Any], path: str) -> str:
    for mount in service.get("volumes", []):
        source, _, target = mount.partition(":")
        if target.split(":")[0] == path:
            return source
    raise AssertionError(f"no volume mounted at {path}")


def test_every_service_has_a_healthcheck() -> None:
    missing = [name for name, s in _services().items() if not s.get("healthcheck", {}).get("test")]
    assert not missing, f"services without a healthcheck: {missing}"


def test_a_three_node_rabbitmq_cluster_keeps_its_data_in_named_volumes() -> None:
    nodes = {n: s for n, s in _services().items() if s["image"].startswith("rabbitmq:")}
    assert len(nodes) == 3
    declared = set(_compose()["volumes"])
    sources = {_volume_at(s, "/var/lib/rabbitmq") for s in nodes.values()}
    assert len(sources) == 3 and sources <= declared  # one named volume per node
    conf = (REPO / "deploy" / "rabbitmq.conf").read_text()
    for name, service in nodes.items():
        assert service["hostname"] == name
        assert f"rabbit@{name}" in conf, f"{name} is not in the cluster's peer list"
    hub_urls = _hub_services()["gateway-1"]["environment"]["OMNIHUB_AMQP_URL"].split(",")
    assert {urlsplit(u).hostname for u in hub_urls} == set(nodes)


def test_redis_writes_an_append_only_file_to_named_volumes_and_sentinels_watch_it() -> None:
    services = _services()
    redis = {n: s for n, s in services.items() if "redis-server" in " ".join(s.get("command", []))}
    assert len(redis) == 2
    for name, service in redis.items():
        command = service["command"]
        assert command[command.index("--appendonly") + 1] == "yes", name
        assert _volume_at(service, "/data") in _compose()["volumes"]
    sentinels = [n for n, s in services.items() if "sentinel.sh" in " ".join(s.get("command", []))]
    assert len(sentinels) >= 3
    env = _hub_services()["gateway-1"]["environment"]
    assert {a.split(":")[0] for a in env["OMNIHUB_REDIS_SENTINELS"].split(",")} == set(sentinels)
    assert (
        "sentinel monitor omnihub redis-1 6379 2" in (REPO / "deploy" / "sentinel.sh").read_text()
    )


def test_postgresql_keeps_its_data_in_a_named_volume_and_every_hub_part_uses_it() -> None:
    postgres = _services()["postgres"]
    assert _volume_at(postgres, "/var/lib/postgresql/data") in _compose()["volumes"]
    env = postgres["environment"]
    for name, service in _hub_services().items():
        if service["command"][0] == "sandbox":
            continue
        url = urlsplit(service["environment"].get("OMNIHUB_POSTGRES_URL", ""))
        assert url.hostname == "postgres", f"{name}: no OMNIHUB_POSTGRES_URL to the service"
        assert (url.username, url.password) == (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"])
        assert url.path == f"/{env['POSTGRES_DB']}", name
        assert service["depends_on"]["postgres"] == {"condition": "service_healthy"}, name


def test_the_sla_monitor_and_the_console_run_beside_the_gateways() -> None:
    hub = _hub_services()
    commands = {s["command"][0]: s for s in hub.values()}
    assert commands["monitor"]["deploy"]["replicas"] == 2  # one leads, one waits to take over
    scraped = build_parser().parse_args(commands["console"]["command"]).scrape
    gateways = {n: s for n, s in hub.items() if s["command"][0] == "gateway"}
    expected: set[str] = set()
    for name, gateway in gateways.items():
        args = build_parser().parse_args(gateway["command"])
        assert args.operator_host == "0.0.0.0", f"{name}: the console cannot reach its metrics"
        expected.add(f"http://{name}:{args.operator_port}/metrics")
    assert set(scraped) == expected


def test_two_gateways_behind_haproxy_and_two_workers_per_target() -> None:
    hub = _hub_services()
    gateways = sorted(n for n, s in hub.items() if s["command"][0] == "gateway")
    assert gateways == ["gateway-1", "gateway-2"]
    haproxy = (REPO / "deploy" / "haproxy.cfg").read_text()
    servers = re.findall(r"^\s*server \S+ (\S+):(\d+) check", haproxy, re.M)
    assert re.search(r"^\s*option httpchk GET /readyz$", haproxy, re.M)
    assert sorted(host for host, _ in servers) == gateways
    assert {int(port) for _, port in servers} == {8080}
    workers = {s["command"][2]: s for s in hub.values() if s["command"][0] == "worker"}
    assert set(workers) == set(example_config().targets)
    assert all(w["deploy"]["replicas"] == 2 for w in workers.values())


@pytest.mark.parametrize("name", sorted(_hub_services()))
def test_each_hub_command_is_one_the_cli_accepts(name: str) -> None:
    command = _hub_services()[name]["command"]
    try:
        args = build_parser().parse_args(command)
    except SystemExit:
        pytest.fail(f"{name}: `omnihub {' '.join(command)}` is refused by the CLI")
    assert getattr(args, "func", None) is not None, f"{name}: no command in {command}"
    if args.command == "worker":
        assert args.target in example_config().targets


@pytest.mark.parametrize("name", sorted(_hub_services()))
def test_each_hub_healthcheck_asks_the_port_its_command_serves(name: str) -> None:
    service = _hub_services()[name]
    env = service["environment"]
    url = urlsplit(env.get("OMNIHUB_HEALTH_URL", _image_health_url()))
    args = build_parser().parse_args(service["command"])
    if args.command == "worker":
        assert url.port == int(env["OMNIHUB_WORKER_HEALTH_PORT"]) and url.path == "/health"
    elif args.command == "sandbox":
        assert url.port == args.port and url.path == "/_sandbox/health"
    elif args.command == "monitor":
        assert url.port == args.metrics_port and url.path == "/metrics"
        assert args.metrics_host == "0.0.0.0"  # its /metrics reachable for a Prometheus
    elif args.command == "console":
        assert url.port == args.console_port and url.path == "/console/login"
    else:  # the gateway's readiness (broker and Redis answer), on its operator port
        assert url.port == args.operator_port and url.path == "/readyz"
    compile(service["healthcheck"]["test"][-1], f"{name} healthcheck", "exec")


def test_no_host_port_of_a_local_broker_is_taken() -> None:
    published = {
        name: [str(p) for p in s.get("ports", [])]
        for name, s in _services().items()
        if "ports" in s
    }
    assert set(published) == {"haproxy", "sandbox", "console"}, published
    for name, ports in published.items():
        for port in ports:
            host = int(re.sub(r"\$\{[^:]+:-(\d+)\}", r"\1", port).split(":")[-2])
            assert host not in LOCAL_SERVICE_PORTS, f"{name} publishes {port}"
    # the console (an operator's tool) only on the host's loopback, never on every address
    assert all(port.startswith("127.0.0.1:") for port in published["console"])


def test_the_dockerfile_installs_the_locked_dependencies_before_the_code() -> None:
    lines = [line.strip() for line in (REPO / "Dockerfile").read_text().splitlines()]
    steps = [line for line in lines if re.match(r"^(FROM|COPY|RUN|HEALTHCHECK|ENTRYPOINT)\b", line)]

    def first(pattern: str) -> int:
        for i, step in enumerate(steps):
            if re.search(pattern, step):
                return i
        raise AssertionError(f"no step matching {pattern!r} in the Dockerfile")

    deps = first(r"^RUN pip install .*--require-hashes -r requirements\.lock")
    assert first(r"^COPY requirements\.lock") < deps
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    packages = [
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    ]
    for package in packages:
        assert deps < first(rf"^COPY {package} {package}$"), f"{package} copied before the deps"
    assert deps < first(r"^RUN pip install --no-cache-dir --no-deps \.$")
    first(r"^COPY pipeline-tests pipeline-tests$")
    first(r"^HEALTHCHECK ")
