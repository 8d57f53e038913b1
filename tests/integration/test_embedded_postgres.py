import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from store.embedded_postgres import (
    RELOCATED,
    SERVER_USER,
    EmbeddedPostgres,
    binaries,
    shared_buffers_mb,
)

REPOSITORY = Path(__file__).resolve().parents[2]
# Another process on the folder: starts (or attaches), says its port and whether it owns the
# server, and stops when its stdin closes.
HOLDER = """
import sys
from pathlib import Path
from store.embedded_postgres import EmbeddedPostgres
server = EmbeddedPostgres(Path(sys.argv[1]))
database = server.start()
print(database.port, server.owns, flush=True)
sys.stdin.read()
server.stop()
"""


@pytest.fixture
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="keywork-embedded-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def holder(folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)],
        cwd=REPOSITORY,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def answers(port: int) -> bool:
    try:
        with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres connect_timeout=2") as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)
    except psycopg.OperationalError:
        return False


def test_the_embedded_server_keeps_its_data_across_a_restart_and_stops_when_told(
    folder: Path,
) -> None:
    first = EmbeddedPostgres(folder / "pg")
    with psycopg.connect(first.start().conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (n int)")
        conn.execute("INSERT INTO kept VALUES (42)")
    first.stop()
    assert not (folder / "pg" / "pgdata" / "postmaster.pid").exists()

    second = EmbeddedPostgres(folder / "pg")
    database = second.start()
    try:
        assert database.host == "127.0.0.1"
        with psycopg.connect(database.conninfo) as conn:
            assert conn.execute("SELECT n FROM kept").fetchone() == (42,)
            # Beyond the defaults (128MB, 1GB, 5min), whatever the data folder's own files say.
            sizes = conn.execute(
                "SELECT pg_size_bytes(current_setting('shared_buffers')), "
                "pg_size_bytes(current_setting('max_wal_size'))"
            ).fetchone()
            assert sizes == (shared_buffers_mb() * 2**20, 16 * 2**30)
            assert conn.execute("SHOW checkpoint_timeout").fetchone() == ("30min",)
    finally:
        second.stop()


def test_a_second_one_on_the_folder_attaches_and_only_the_starter_stops_the_server(
    folder: Path,
) -> None:
    starter, attached = EmbeddedPostgres(folder / "pg"), EmbeddedPostgres(folder / "pg")
    try:
        port = starter.start().port
        assert attached.start().port == port
        assert starter.owns and not attached.owns

        attached.stop()
        assert answers(port)
        starter.stop()
        assert not answers(port)
        assert not (folder / "pg" / "pgdata" / "postmaster.pid").exists()
    finally:
        starter.stop()


def test_processes_starting_together_share_one_server_which_one_of_them_owns(
    folder: Path,
) -> None:
    holders = [holder(folder / "pg") for _ in range(3)]
    try:
        said = {process: first_line(process).split() for process in holders}
        assert len({port for port, _ in said.values()}) == 1
        assert sorted(owns for _, owns in said.values()) == ["False", "False", "True"]
        port = int(said[holders[0]][0])
        owner = next(process for process, (_, owns) in said.items() if owns == "True")
        for process in holders:
            if process is not owner:
                finish(process)
                assert answers(port)
        finish(owner)
        assert not answers(port)
    finally:
        for process in holders:
            if process.poll() is None:
                finish(process)


def test_a_server_whose_starter_was_killed_is_taken_over_by_the_next_one(folder: Path) -> None:
    killed = holder(folder / "pg")
    port = int(first_line(killed).split()[0])
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)
    assert answers(port)

    successor = EmbeddedPostgres(folder / "pg")
    try:
        assert successor.start().port == port
        assert successor.owns
    finally:
        successor.stop()
    assert not answers(port)


def test_a_pid_file_left_by_a_killed_server_does_not_prevent_a_fresh_start(folder: Path) -> None:
    first = EmbeddedPostgres(folder / "pg")
    first.start()
    pid_file = folder / "pg" / "pgdata" / "postmaster.pid"
    left_behind = pid_file.read_text()
    first.stop()
    # As a killed server leaves it: the process id now belongs to another process of ours.
    lines = left_behind.splitlines()
    pid_file.write_text("\n".join([str(os.getpid()), *lines[1:]]) + "\n")

    second = EmbeddedPostgres(folder / "pg")
    try:
        database = second.start()
        assert second.owns
        assert answers(database.port)
    finally:
        second.stop()


def first_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 60)
    assert ready, "the holder did not start in time"
    return process.stdout.readline()


def finish(process: subprocess.Popen[str]) -> None:
    process.communicate("", timeout=30)
    assert process.returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another user")
def test_as_root_a_folder_the_server_user_cannot_enter_still_holds_a_working_server() -> None:
    # Like a clone in /root: the data folder and the binaries are where only root may enter.
    private = Path(tempfile.mkdtemp(prefix="keywork-root-only-"))
    assert private.stat().st_mode & 0o777 == 0o700
    packages = binaries().parents[2]
    for part in ("pgserver", "pgserver.libs"):
        shutil.copytree(packages / part, private / part, ignore=shutil.ignore_patterns("include"))
    installation = private / "pgserver" / "pginstall"
    server = EmbeddedPostgres(private / "postgres", installation=installation)
    try:
        with psycopg.connect(server.start().conninfo, autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (n int)")
            conn.execute("INSERT INTO kept VALUES (7)")
        assert server.home.parent == RELOCATED
        assert server.home.stat().st_mode & 0o777 == 0o700
        assert server.home.owner() == SERVER_USER
        server.stop()

        again = EmbeddedPostgres(private / "postgres", installation=installation)
        database = again.start()
        try:
            assert again.home == server.home
            with psycopg.connect(database.conninfo) as conn:
                assert conn.execute("SELECT n FROM kept").fetchone() == (7,)
                backend = conn.execute("SELECT pg_backend_pid()").fetchone()
                # It runs the copy of the binaries beside its data, not the ones it can't reach.
                assert backend is not None
                assert Path(f"/proc/{backend[0]}/exe").resolve().is_relative_to(server.home)
        finally:
            again.stop()
    finally:
        server.stop()
        shutil.rmtree(server.home, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)


@pytest.mark.parametrize(
    ("memory_gib", "buffers_mb"), [(0.5, 128), (1, 128), (8, 1024), (24, 2048), (256, 2048)]
)
def test_shared_buffers_are_an_eighth_of_memory_from_the_default_up_to_two_gigabytes(
    monkeypatch: pytest.MonkeyPatch, memory_gib: float, buffers_mb: int
) -> None:
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": int(memory_gib * 2**30) // 4096}
    monkeypatch.setattr(os, "sysconf", pages.__getitem__)
    assert shared_buffers_mb() == buffers_mb
