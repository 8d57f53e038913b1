"""A server under benchmark: started as a subprocess on loopback, waited for until it answers
`/health`, and stopped by SIGTERM by its PID (then killed, if it will not stop)."""

import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.figures import REPO

HEALTH_WAIT_SECONDS = 60.0  # keywork run starts its API workers and consumers together
STOP_WAIT_SECONDS = 15.0


def progress(message: str) -> None:
    print(f"[bench] {message}", flush=True)


@contextmanager
def served(
    name: str, module_args: Sequence[str], env: dict[str, str], folder: Path, port: int
) -> Iterator[str]:
    """`python -m <module_args>` serving on `port`, its output in `folder`/<name>.log; yields
    its base URL."""
    log_path = folder / f"{name}.log"
    progress(f"starting {name} on port {port} (log: {log_path})")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", *module_args],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches only us; we stop it, before PostgreSQL.
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_healthy(base_url, process, log_path)
        yield base_url
    finally:
        stop_process(process)
        progress(f"stopped {name}")


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + HEALTH_WAIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{tail(log_path)}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1.0, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server was not healthy within {HEALTH_WAIT_SECONDS:.0f} s")


def tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
