"""A real PostgreSQL run from the binaries in the pgserver wheel, in a folder of ours.

We run the binaries ourselves (rather than pgserver's manager) so that the server listens on a
TCP port of 127.0.0.1 that we choose, and so that we alone decide when it stops.
"""

import os
import pwd
import shutil
import socket
import subprocess
from importlib.util import find_spec
from pathlib import Path

from store.database import Database

# PostgreSQL refuses to run as root; as root we run it as this system user.
SERVER_USER = "keywork-postgres"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EmbeddedPostgres:
    def __init__(self, folder: Path, port: int | None = None, max_connections: int = 100) -> None:
        self.folder = folder.resolve()
        self.max_connections = max_connections
        self.data = self.folder / "pgdata"
        self.port = port or free_port()
        self._user: str | None = _server_user_when_root()

    def start(self) -> Database:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._user is not None:
            self.folder.chmod(0o755)
            shutil.chown(self.folder, self._user)
        if not (self.data / "PG_VERSION").exists():
            self._run(
                "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
            )
        if self._is_running():
            # Left behind by a run of ours that was killed: stop it before starting afresh.
            self.stop()
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -N {self.max_connections}"
        log = self.folder / "postgres.log"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(log), "-w", "start")
        return Database("127.0.0.1", self.port, "postgres", "", "postgres")

    def stop(self) -> None:
        if self._is_running():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def _is_running(self) -> bool:
        status = subprocess.run(
            self._command("pg_ctl", "-D", str(self.data), "status"),
            capture_output=True,
            check=False,
            user=self._user,
            group=self._user,
        )
        return status.returncode == 0

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            self._command(program, *args),
            capture_output=True,
            text=True,
            check=False,
            user=self._user,
            group=self._user,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed in {self.folder}: {done.stderr.strip()}")

    def _command(self, program: str, *args: str) -> list[str]:
        return [str(binaries() / program), *args]


def binaries() -> Path:
    # Found without importing pgserver, whose import warns about and creates runtime folders.
    spec = find_spec("pgserver")
    if spec is None or spec.origin is None:
        raise RuntimeError("the embedded PostgreSQL needs the pgserver package")
    return Path(spec.origin).parent / "pginstall" / "bin"


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
