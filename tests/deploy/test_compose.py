"""docker-compose.yml, checked for its shape (Docker may not run here): every part is
there with a healthcheck, what a 202 stored survives a container's recreation, nothing
takes a host port of a local broker, every command is one the CLI accepts, and no
password is written in the file (each comes from a variable compose requires)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from hub.cli.main import build_parser
from tests.support.configs import REPO, example_config

COMPOSE = REPO / "docker-compose.yml"
LOCAL_SERVICE_PORTS = {5432, 5672, 6379, 15672, 25672, 26379, 4369}
# The secrets compose reads from the environment, each given a value of its own here: a
# URL that names another variable than its server's definition gets another password.
ENVIRONMENT = {
    "RABBITMQ_ERLANG_COOKIE": "test-erlang-cookie",
    "RABBITMQ_DEFAULT_PASS": "test-broker-password",
    "POSTGRES_PASSWORD": "test-database-password",
}
# A variable whose name says it holds a secret (OMNIHUB_JWT_KEY_FILE, a path, does not).
SECRET_NAME = re.compile(r"(?:^|_)(?:PASS|PASSWORD|SECRET|COOKIE|TOKEN|KEY)$")
# Compose's interpolation: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message},
# ${VAR?message}.
REFERENCE = re.compile(r"\$\$|\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
REQUIRED = re.compile(r"\$\{(?P<name>\w+):\?(?P<message>[^}]+)\}")
URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s,]+")


class MissingVariable(AssertionError):
    """A `${VAR:?message}` of the compose file with VAR unset: compose refuses to run."""


def _interpolate(value: str, env: Mapping[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name", "op", "arg")
        found = env.get(name)
        if found is not None and not (found == "" and op and op.startswith(":")):
            return found
        if op and op.endswith("?"):
            raise MissingVariable(f"{name}: {arg}")
        return arg if op else ""

    return REFERENCE.sub(one, value)


def _render(node: Any, env: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return _interpolate(node, env)
    if isinstance(node, dict):
        return {key: _render(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [_render(value, env) for value in node]
    return node


def _raw_compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return data


def _compose() -> dict[str, Any]:
    """The compose file as compose runs it with ENVIRONMENT set."""
    data: dict[str, Any] = _render(_raw_compose(), ENVIRONMENT)
    return data


def _services() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = _compose()["services"]
    return services


def _is_hub(service: dict[str, Any]) -> bool:
    return service.get("image") == "omnihub:dev"


def _hub_services() -> dict[str, dict[str, Any]]:
    return {n: s for n, s in _services().items() if _is_hub(s)}


def _environment(service: dict[str, Any]) -> dict[str, str | None]:
    env = service.get("environment", {})
    if isinstance(env, list):
        return {key: value for key, _, value in (item.partition("=") for item in env)}
    return {key: None if value is None else str(value) for key, value in env.items()}


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _passwords_in_urls(text: str) -> list[str]:
    """The password of each URL in `text`, written as in the file (`${...}` kept)."""
    references: list[str] = []

    def mask(match: re.Match[str]) -> str:
        references.append(match.group(0))
        return f"omnihubref{len(references) - 1}x"

    masked = REFERENCE.sub(mask, text)
    passwords = []
    for url in URL.findall(masked):
        password = urlsplit(url).password
        if password is not None:
            passwords.append(re.sub(r"omnihubref(\d+)x", lambda m: references[int(m[1])], password))
    return passwords


def _required(value: str | None) -> str | None:
    """The VAR of a value that is exactly `${VAR:?message}`, the message naming VAR."""
    found = REQUIRED.fullmatch(value or "")
    return found["name"] if found and found["name"] in found["message"] else None


def _required_variable(value: str | None, where: str) -> str:
    name = _required(value)
    assert name, f"{where} is {value!r}: write ${{VAR:?set VAR to ...}}, not a value"
    return name


def _image_health_url() -> str:
    found = re.search(r"^ENV OMNIHUB_HEALTH_URL=(\S+)$", (REPO / "Dockerfile").read_text(), re.M)
    assert found, "the Dockerfile sets no OMNIHUB_HEALTH_URL for its HEALTHCHECK"
    return found.group(1)


def _volume_at(service: dict[str, Any], path: str) -> str:
    for mount in service.get("volumes", []):
        source, _, target = str(mount).partition(":")
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
    users = {
        (s["environment"]["RABBITMQ_DEFAULT_USER"], s["environment"]["RABBITMQ_DEFAULT_PASS"])
        for s in nodes.values()
    }
    assert len(users) == 1, f"the nodes define different users: {users}"
    for name, service in _hub_services().items():
        hub_urls = [
            urlsplit(u.strip()) for u in service["environment"]["OMNIHUB_AMQP_URL"].split(",")
        ]
        assert {u.hostname for u in hub_urls} == set(nodes), name
        assert {(u.username, u.password) for u in hub_urls} == users, name


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
            host = int(port.split(":")[-2])
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


def test_no_service_writes_a_password_or_secret_in_the_file() -> None:
    """A secret-named variable and the password of a URL are each `${VAR:?message}`,
    the message naming VAR."""
    found: set[str] = set()
    for name, service in _raw_compose()["services"].items():
        for key, value in _environment(service).items():
            if SECRET_NAME.search(key) and not _required(value):
                found.add(f"{name}: {key}: {value!r}")
        for text in _strings(service):
            for password in _passwords_in_urls(text):
                if not _required(password):
                    found.add(f"{name}: a URL with the password {password!r}")
    assert not found, "set these from a variable, ${VAR:?set VAR to ...}: " + "; ".join(
        sorted(found)
    )


def test_the_hub_reaches_the_broker_and_the_database_with_their_password_variables() -> None:
    services = _raw_compose()["services"]
    nodes = [s for s in services.values() if s["image"].startswith("rabbitmq:")]
    broker = {
        _required_variable(_environment(s).get("RABBITMQ_DEFAULT_PASS"), "RABBITMQ_DEFAULT_PASS")
        for s in nodes
    }
    assert len(broker) == 1, f"the broker's nodes read different variables: {broker}"
    database = _required_variable(
        _environment(services["postgres"]).get("POSTGRES_PASSWORD"), "POSTGRES_PASSWORD"
    )
    for name, service in services.items():
        if not _is_hub(service):
            continue
        env = _environment(service)
        for key, server in (("OMNIHUB_AMQP_URL", broker), ("OMNIHUB_POSTGRES_URL", {database})):
            passwords = _passwords_in_urls(env.get(key) or "")
            assert passwords, f"{name}: {key} has no password"
            used = {_required_variable(p, f"{name}: the password in {key}") for p in passwords}
            assert used == server, f"{name}: {key} reads {used}, its server {server}"


def test_compose_refuses_to_run_without_each_secret() -> None:
    for name in ENVIRONMENT:
        env = {key: value for key, value in ENVIRONMENT.items() if key != name}
        with pytest.raises(MissingVariable, match=f"^{name}: "):
            _render(_raw_compose(), env)
        with pytest.raises(MissingVariable, match=f"^{name}: "):
            _render(_raw_compose(), {**env, name: ""})


def test_the_readme_sets_every_variable_the_compose_file_requires() -> None:
    """In its `docker compose` block, into a `.env` that git ignores."""
    required = {m["name"] for m in REQUIRED.finditer(COMPOSE.read_text())}
    assert required == set(ENVIRONMENT)
    readme = (REPO / "README.md").read_text()
    blocks = [b for b in re.findall(r"```sh\n(.*?)```", readme, re.S) if "docker compose" in b]
    assert blocks, "the README shows no `docker compose` command"
    for name in required:
        assert re.search(rf"^{name}=\$\(openssl rand -hex \d+\)$", blocks[0], re.M), name
    assert "> .env" in blocks[0] and ".env" in (REPO / ".gitignore").read_text().splitlines()
