"""Where each consumer has got to in the store, kept in PostgreSQL."""

from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier


class Positions:
    def __init__(self, datastore: PostgresDatastore, consumer: str) -> None:
        self.datastore = datastore
        self.consumer = consumer
        self.table = Identifier(datastore.schema, "consumer_positions")
        with datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "CREATE TABLE IF NOT EXISTS {table} (name text PRIMARY KEY, position bigint)"
                ).format(table=self.table)
            )

    def get(self) -> int:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                SQL("SELECT position FROM {table} WHERE name = %s").format(table=self.table),
                (self.consumer,),
            )
            row = cursor.fetchone()
        return int(row["position"]) if row else 0

    def store(self, position: int) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "INSERT INTO {table} (name, position) VALUES (%s, %s) "
                    "ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position"
                ).format(table=self.table),
                (self.consumer, position),
            )
