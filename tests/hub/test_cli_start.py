"""How `omnihub gateway`, `dev` and `worker` fail to start, and what readiness says when
the broker and Redis are away (issue 16, item 3)."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from omnihub.settings import Settings
from tests.support.configs import REPO
from tests.support.live_dev import dev_command, hub_env
from tests.support.ports import free_port, free_ports_in_a_row


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port some other program listens on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def run_cli(argv: list[str], settings: Settings, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "hub.cli.main", *argv],
        env=hub_env(settings, env or {}),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def start_cli(
    argv: list[str], settings: Settings, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hub.cli.main", *argv],
        env=hub_env(settings, env or {}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def gateway_argv(port: int, operator_port: int) -> list[str]:
    config = ["--config", str(REPO)]
    return ["gateway", *config, "--port", str(port), "--operator-port", str(operator_port)]


def assert_one_line_naming(done: Any, port: int, part: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert f"port {port} on 127.0.0.1 ({part}) is already in use" in done.stderr
    assert "Traceback" not in done.stderr
    assert "running" not in done.stdout and "listening" not in done.stdout


def test_a_taken_gateway_port_is_one_line_and_exit_2(settings: Settings, taken_port: int) -> None:
    done = run_cli(gateway_argv(taken_port, free_port()), settings)
    assert_one_line_naming(done, taken_port, "gateway")
    assert "choose another with --port" in done.stderr


def test_a_taken_operator_port_is_one_line_and_exit_2(settings: Settings, taken_port: int) -> None:
    done = run_cli(gateway_argv(free_port(), taken_port), settings)
    assert_one_line_naming(done, taken_port, "operator")


@pytest.mark.parametrize("which", ["gateway", "sandbox"])
def test_dev_with_a_taken_port_is_one_line_and_exit_2(
    settings: Settings, taken_port: int, which: str
) -> None:
    ports = {"gateway": free_port(), "operator": free_port(), "sandbox": free_port()}
    ports[which] = taken_port
    argv = dev_command(ports["gateway"], ports["operator"], ports["sandbox"])[3:]
    done = run_cli(argv, settings)
    assert_one_line_naming(done, taken_port, which)


def test_a_worker_whose_health_port_is_taken_says_so_in_one_line(
    settings: Settings, taken_port: int
) -> None:
    argv = ["worker", "--config", str(REPO), "--target", "erp"]
    done = run_cli(argv, settings, {"OMNIHUB_WORKER_HEALTH_PORT": str(taken_port)})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("omnihub:")]
    assert f"port {taken_port} on 127.0.0.1 (health of the erp worker) is already in use" in line


def test_readiness_names_the_broker_and_redis_when_they_are_down(settings: Settings) -> None:
    nowhere = free_port()  # nothing listens: broker and Redis refused at once
    env = {
        "OMNIHUB_AMQP_URL": f"amqp://guest:guest@127.0.0.1:{nowhere}/",
        "OMNIHUB_REDIS_URL": f"redis://127.0.0.1:{nowhere}/0",
    }
    port, operator_port = free_port(), free_port()
    proc = start_cli(gateway_argv(port, operator_port), settings, env)
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()  # printed once both ports listen
        assert banner.startswith(f"gateway listening on http://127.0.0.1:{port}"), banner
        answers = {
            base: (httpx.get(f"{base}/readyz"), httpx.get(f"{base}/healthz"))
            for base in (f"http://127.0.0.1:{port}", f"http://127.0.0.1:{operator_port}")
        }
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    for ready, live in answers.values():
        assert live.status_code == 200  # liveness: the process runs
        assert ready.status_code == 503
        assert ready.headers["content-type"] == "application/problem+json"
        problem = ready.json()
        assert problem["status"] == 503 and problem["down"] == ["broker", "redis"]
        assert problem["detail"].startswith("not ready: broker down")
        assert "redis down" in problem["detail"]


def test_gateway_processes_each_serve_their_metrics_on_the_operator_port_plus_i(
    settings: Settings,
) -> None:
    port, base = free_port(), free_ports_in_a_row(2)
    proc = start_cli([*gateway_argv(port, base), "--workers", "2"], settings)
    try:
        assert proc.stdout is not None
        said = [proc.stdout.readline() for _ in range(3)]  # printed once all listen
        metrics = [httpx.get(f"http://127.0.0.1:{base + i}/metrics") for i in range(2)]
        on_partner_port = httpx.get(f"http://127.0.0.1:{port}/metrics")
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    assert said[2] == f"gateway listening on http://127.0.0.1:{port} (2 processes)\n", said
    assert sorted(said[:2]) == [
        f"operator endpoints on http://127.0.0.1:{base + i} (/metrics, /healthz, /readyz)\n"
        for i in range(2)
    ]
    assert [m.status_code for m in metrics] == [200, 200]
    assert all("omnihub_requests" in m.text for m in metrics)
    assert on_partner_port.status_code == 404
    assert proc.returncode == 0
