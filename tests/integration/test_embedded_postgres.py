import os
import shutil
import tempfile
from pathlib import Path

import psycopg

from store.embedded_postgres import EmbeddedPostgres


def test_the_embedded_server_keeps_its_data_across_a_restart_and_stops_when_told() -> None:
    folder = Path(tempfile.mkdtemp(prefix="keywork-embedded-"))
    folder.chmod(0o755)
    try:
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
        finally:
            second.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert os.path.exists(folder) is False
