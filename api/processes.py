"""`keywork run`: the API and each consumer in a process of its own, kept running by this one.

This process holds what the parts share: the database (it starts the embedded PostgreSQL when
none is configured, and hands its address to the parts) and the API's listening socket, which
every API worker accepts on, so a restarted worker takes up the port at once. Each part is
`keywork run --only PART`. One that exits is started again: at once after a steady run, after a
doubling delay (up to MAX_DELAY_SECONDS) while it keeps failing quickly. On SIGTERM or Ctrl-C the
parts are stopped (SIGTERM, then SIGKILL after STOP_SECONDS), then the embedded PostgreSQL.
"""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pydantic import SecretStr

from api.bootstrap import bootstrap, database
from projections.registry import READ_MODELS
from services.settings import Settings

log = logging.getLogger("keywork.processes")

CONSUMERS = ("projections", "notifier", "overdue", "relay")
# A consumer works a batch at a time on each of its threads; the pool's overflow covers the rest.
CONSUMER_POOL_SIZE = 2
# eventsourcing's default POSTGRES_MAX_OVERFLOW, above each store's pool.
POOL_OVERFLOW = 10
# A process's LISTEN connections: one per read model it follows, the notifier's, the relay's.
LISTENERS = len(READ_MODELS) + 2
# Room for the commands a person runs beside the service (`keywork projections status`, ...).
COMMANDS_BESIDE = 20
CHECK_SECONDS = 0.2
FIRST_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 30.0
# A part that ran this long before it exited is started again without delay.
STEADY_SECONDS = 60.0
STOP_SECONDS = 30.0


@dataclass
class Part:
    """One process of the service, started (again) by `check`."""

    name: str
    args: list[str]
    env: dict[str, str]
    pass_fds: tuple[int, ...] = ()
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    quick_exits: int = 0
    due_at: float = 0.0

    def check(self) -> None:
        """Starts the part when it is due; notes when it has exited, and when to start it."""
        now = time.monotonic()
        if self.process is None:
            if now >= self.due_at:
                self._start(now)
            return
        code = self.process.poll()
        if code is None:
            return
        ran = now - self.started_at
        self.quick_exits = 0 if ran >= STEADY_SECONDS else self.quick_exits + 1
        delay = (
            min(FIRST_DELAY_SECONDS * 2 ** (self.quick_exits - 1), MAX_DELAY_SECONDS)
            if self.quick_exits
            else 0.0
        )
        log.warning(
            "%s (pid %d) exited with %d after %.1f s; starting it again in %.1f s",
            self.name,
            self.process.pid,
            code,
            ran,
            delay,
        )
        self.process, self.due_at = None, now + delay

    def _start(self, now: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "run", *self.args],
            env=self.env,
            pass_fds=self.pass_fds,
            # Ctrl-C in a terminal reaches this process only; it stops the parts in order.
            process_group=0,
        )
        self.started_at = now
        log.info("started %s (pid %d)", self.name, self.process.pid)


def supervise(settings: Settings) -> None:
    """Runs the service's parts until SIGTERM or Ctrl-C, then stops them and the database."""
    consumers = [part for part in CONSUMERS if part != "relay" or settings.kafka_bootstrap_servers]
    api = settings.api_workers * connections(settings.postgres_pool_size)
    budget = api + len(consumers) * connections(CONSUMER_POOL_SIZE)
    with (
        database(settings, budget + COMMANDS_BESIDE) as db,
        listening(settings.host, settings.port) as listener,
    ):
        log.info("the processes may open up to %d connections to PostgreSQL", budget)
        # The port as given on the command line: the pages' links are made with it.
        env = os.environ | {"KEYWORK_PORT": str(settings.port)}
        handed = settings
        if settings.uses_embedded_postgres:
            env["KEYWORK_EMBEDDED_DATABASE_URL"] = db.conninfo
            handed = settings.model_copy(update={"embedded_database_url": SecretStr(db.conninfo)})
        # Once, before the parts start together: tables made, erasures replayed, keys made.
        with bootstrap(handed):
            pass
        fd = listener.fileno()
        parts = [
            Part(f"api-{n}", ["--only", "api", "--fd", str(fd)], env, (fd,))
            for n in range(1, settings.api_workers + 1)
        ] + [
            Part(name, ["--only", name], env | {"POSTGRES_POOL_SIZE": str(CONSUMER_POOL_SIZE)})
            for name in consumers
        ]
        try:
            while True:
                for part in parts:
                    part.check()
                time.sleep(CHECK_SECONDS)
        finally:
            stop(parts)


def connections(pool_size: int) -> int:
    """The most one process opens: the pools of its two stores (the cases', the access log's),
    each with its overflow, and its listening connections."""
    return 2 * (pool_size + POOL_OVERFLOW) + LISTENERS


@contextmanager
def listening(host: str, port: int) -> Iterator[socket.socket]:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.create_server((host, port), family=family, backlog=2048) as listener:
        listener.set_inheritable(True)
        yield listener


def stop(parts: list[Part]) -> None:
    """SIGTERM to every part still running, SIGKILL to those still running STOP_SECONDS later."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_IGN)  # a second Ctrl-C must not cut the stopping short
    running = [p.process for p in parts if p.process is not None and p.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for process in running:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            log.warning("pid %d did not stop within %.0f s; killing it", process.pid, STOP_SECONDS)
            process.kill()
            process.wait()
    log.info("stopped %d process(es)", len(running))
