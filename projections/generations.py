"""Which generation of each read model is live: a rebuild fills the next one, then switches."""

from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier


def _table(datastore: PostgresDatastore) -> Identifier:
    return Identifier(datastore.schema, "read_model_generations")


def ensure_generation(datastore: PostgresDatastore, name: str) -> None:
    """Makes generation 1 live for a read model that has none yet."""
    with datastore.transaction(commit=True) as cursor:
        cursor.execute(
            SQL(
                "CREATE TABLE IF NOT EXISTS {table} "
                "(name text PRIMARY KEY, generation int NOT NULL)"
            ).format(table=_table(datastore))
        )
        cursor.execute(
            SQL(
                "INSERT INTO {table} (name, generation) VALUES (%s, 1) "
                "ON CONFLICT (name) DO NOTHING"
            ).format(table=_table(datastore)),
            (name,),
        )


def live_generation(datastore: PostgresDatastore, name: str) -> int:
    with datastore.transaction(commit=False) as cursor:
        cursor.execute(
            SQL("SELECT generation FROM {table} WHERE name = %s").format(table=_table(datastore)),
            (name,),
        )
        row = cursor.fetchone()
    assert row is not None, f"no generation for {name}: call ensure_generation first"
    return int(row["generation"])


def switch(datastore: PostgresDatastore, name: str, generation: int) -> None:
    with datastore.transaction(commit=True) as cursor:
        cursor.execute(
            SQL("UPDATE {table} SET generation = %s WHERE name = %s").format(
                table=_table(datastore)
            ),
            (generation, name),
        )
