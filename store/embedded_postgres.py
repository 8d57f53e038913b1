"""A real PostgreSQL run from the binaries in the pgserver wheel, in a folder of ours.

We run the binaries ourselves (rather than pgserver's manager) so that the server listens on a
TCP port of 127.0.0.1 that we choose, and so that we decide when it stops. Several processes
share one folder (`keywork run` in one terminal, a command in another): the first starts the
server and owns it, the others attach to it, and only the owner stops it.
"""

import fcntl
import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Literal

import psycopg

from store.database import Database

# PostgreSQL refuses to run as root; as root we run it as this system user.
SERVER_USER = "keywork-postgres"
# As root, the server's files go here when that user cannot reach the folder asked for (a clone
# in /root, mode 0700). Under /var/lib rather than a temporary folder: no cleaner ages it.
RELOCATED = Path("/var/lib/keywork-postgres")
# How long a server found running may take to answer (it may be starting or stopping).
ANSWER_TIMEOUT_SECONDS = 30
# Checkpoints far enough apart that a load or a rebuild is not mostly whole pages copied into
# the WAL after each one (by default one came every 50 s in a rebuild of a fifth of England).
CHECKPOINTS = {"max_wal_size": "16GB", "checkpoint_timeout": "30min"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EmbeddedPostgres:
    def __init__(
        self,
        folder: Path,
        port: int | None = None,
        max_connections: int = 100,
        installation: Path | None = None,
        standby_of: Database | None = None,
    ) -> None:
        self.folder = folder.resolve()
        self.standby_of = standby_of
        """A server this one is a streaming replica of: its data then starts as a base backup
        of that server (max_connections no lower than that server's)."""
        self.max_connections = max_connections
        self.port = port or free_port()
        self.installation = installation or binaries().parent
        self.owns = False
        """Whether this one stops the server: it started it, or took over one whose starter
        has gone."""
        self.home = self.folder
        """Where the server's files are: the folder, or (as root) a place the server can reach."""
        self._user: str | None = _server_user_when_root()
        self._bin = self.installation / "bin"

    @property
    def data(self) -> Path:
        return self.home / "pgdata"

    def start(self) -> Database:
        """Starts the server, or attaches to the one already running on this folder."""
        self.home = self._reachable_home()
        with self._locked():
            self._bin = self._reachable_binaries()
            running = self._answering_port()
            if running is None:
                self._start_server()
                self.owns = True
            else:
                self.port = running
                # A server whose starter was killed would otherwise run on with nobody to stop it.
                self.owns = self._starter_gone()
            if self.owns:
                (self.home / "owner").write_text(str(os.getpid()))
        return Database("127.0.0.1", self.port, "postgres", "", "postgres")

    def stop(self, mode: Literal["fast", "immediate"] = "fast") -> None:
        """Stops the server if this one owns it; an attached one leaves it running. Immediately
        (no shutdown checkpoint) only a server whose data is thrown away next."""
        if not self.owns:
            return
        with self._locked():
            if self._postmaster() is not None:
                self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
            (self.home / "owner").unlink(missing_ok=True)
        self.owns = False

    def _start_server(self) -> None:
        if not (self.data / "PG_VERSION").exists():
            self._make_data()
        settings = CHECKPOINTS | {"shared_buffers": f"{shared_buffers_mb()}MB"}
        options = " ".join(
            [
                f"-h 127.0.0.1 -p {self.port} -k {self.home} -N {self.max_connections}",
                *(f"-c {name}={value}" for name, value in settings.items()),
            ]
        )
        log = self.home / "postgres.log"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(log), "-w", "start")

    def _make_data(self) -> None:
        primary = self.standby_of
        if primary is None:
            self._run(
                "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
            )
            return
        # -R writes standby.signal and how to reach the primary: the server starts as a standby,
        # streaming and replaying the primary's WAL and answering read-only queries. A fast
        # checkpoint starts the copy at once; a spread one can take minutes on a busy server.
        self._run(
            "pg_basebackup",
            *("-h", primary.host, "-p", str(primary.port), "-U", primary.user),
            *("-D", str(self.data), "-R", "--checkpoint=fast"),
        )

    def _answering_port(self) -> int | None:
        """The port of the server running on this folder once it answers; None if none runs."""
        deadline = time.monotonic() + ANSWER_TIMEOUT_SECONDS
        while (pid := self._postmaster()) is not None:
            lines = _lines(self.data / "postmaster.pid")
            # Line 4 is the port, written once the server listens.
            if len(lines) > 3 and self._answers(int(lines[3])):
                return int(lines[3])
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the embedded PostgreSQL in {self.home} runs (pid {pid}) but does not "
                    f"answer; see {self.home / 'postgres.log'}"
                )
            time.sleep(0.2)
        return None

    def _postmaster(self) -> int | None:
        """The live server's process id from its pid file; a stale pid file is removed."""
        pid_file = self.data / "postmaster.pid"
        lines = _lines(pid_file)
        if not lines or not lines[0].isdigit():
            return None
        pid = int(lines[0])
        if _alive(pid) and _is_postgres(pid):
            return pid
        # Left by a server that was killed: PostgreSQL would refuse to start if its process id
        # now belongs to another process.
        pid_file.unlink(missing_ok=True)
        return None

    def _answers(self, port: int) -> bool:
        conninfo = f"host=127.0.0.1 port={port} user=postgres dbname=postgres connect_timeout=2"
        try:
            with psycopg.connect(conninfo) as conn:
                row = conn.execute("SHOW data_directory").fetchone()
        except psycopg.OperationalError:
            return False
        return row is not None and row[0] == str(self.data)

    def _starter_gone(self) -> bool:
        try:
            starter = int((self.home / "owner").read_text())
        except (FileNotFoundError, ValueError):
            return False  # not started by one of ours: someone else's to stop
        return not _alive(starter)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Processes starting together on one folder take turns to look and start."""
        with (self.home / "lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _reachable_home(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._user is None:
            return self.folder
        self.folder.chmod(0o755)
        shutil.chown(self.folder, self._user, self._user)
        if self._server_user_can("-w", self.folder):
            return self.folder
        RELOCATED.mkdir(exist_ok=True)
        RELOCATED.chmod(0o755)
        home = RELOCATED / hashlib.sha256(str(self.folder).encode()).hexdigest()[:16]
        home.mkdir(mode=0o700, exist_ok=True)
        shutil.chown(home, self._user, self._user)
        return home

    def _reachable_binaries(self) -> Path:
        """The binaries, or (as root) a copy of them where the server user can run them."""
        if self._user is None or self._server_user_can("-x", self.installation / "bin/postgres"):
            return self.installation / "bin"
        # The wheel's layout, kept: the binaries find their files and the wheel's vendored
        # libraries (pgserver.libs) by paths relative to themselves.
        packages = self.installation.parent.parent
        inside = self.installation.relative_to(packages)
        copy = self.home / f"pgserver-{version('pgserver')}"
        if not copy.exists():
            partial = self.home / "pgserver.partial"
            shutil.rmtree(partial, ignore_errors=True)
            for part in ("bin", "lib", "share"):
                shutil.copytree(self.installation / part, partial / inside / part)
            if (packages / "pgserver.libs").exists():
                shutil.copytree(packages / "pgserver.libs", partial / "pgserver.libs")
            partial.rename(copy)
        return copy / inside / "bin"

    def _server_user_can(self, test: str, path: Path) -> bool:
        done = subprocess.run(["test", test, str(path)], check=False, **self._as_server_user())
        return done.returncode == 0

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [str(self._bin / program), *args],
            capture_output=True,
            text=True,
            check=False,
            **self._as_server_user(),
        )
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed in {self.home}: {done.stderr.strip()}")

    def _as_server_user(self) -> dict[str, Any]:
        if self._user is None:
            return {}
        # Without dropping root's supplementary groups the server could read root's group files.
        return {"user": self._user, "group": self._user, "extra_groups": []}


def shared_buffers_mb() -> int:
    """An eighth of the machine's memory, from PostgreSQL's default of 128 MB up to 2 GB: room
    for the read models' working set, where the default had a rebuild evicting pages it needs
    again. Memory the server never touches is never taken from the machine."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return max(128, min(2048, memory // 8 // 2**20))


def binaries() -> Path:
    # Found without importing pgserver, whose import warns about and creates runtime folders.
    spec = find_spec("pgserver")
    if spec is None or spec.origin is None:
        raise RuntimeError("the embedded PostgreSQL needs the pgserver package")
    return Path(spec.origin).parent / "pginstall" / "bin"


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text().splitlines()
    except FileNotFoundError:
        return []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_postgres(pid: int) -> bool:
    proc = Path(f"/proc/{pid}/comm")
    if not Path("/proc/self").exists():
        return True  # no /proc (macOS): trust that a live process id is still the server
    try:
        return proc.read_text().strip() == "postgres"
    except FileNotFoundError:
        return False


def _server_user_when_root() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--user-group", SERVER_USER], check=True
        )
    return SERVER_USER
