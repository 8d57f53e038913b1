"""The one place the service is put together, from one Settings: the store, the applications,
the read models and the consumers.

`keywork run` and every other command, the tests and the benchmarks build through here, and each
part gets what it needs from the settings when it is made, never afterwards.
"""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from eventsourcing.application import Application
from fastapi import FastAPI
from psycopg.conninfo import conninfo_to_dict

from api.app import create_app
from consumers.feedback_rounds import RoundRules
from consumers.letters import PrintQueue
from consumers.mail import MaildirMailer, Mailer, SmtpMailer
from consumers.notifications import Notifier
from consumers.recipients import Mailboxes
from consumers.relay import Relay
from consumers.scheduled_work import ScheduledWork
from projections.key_working import KeyWorking
from projections.registry import projection_runner
from projections.runner import ProjectionRunner
from projections.shares import Opener
from services.access import AccessLog
from services.areas import Areas
from services.clock import Clock, utc_now
from services.feedback import FeedbackTokens
from services.keywork import Keywork
from services.rules import ServiceRules
from services.settings import Settings
from store.blind_index import BlindIndex
from store.data_keys import DataKeys
from store.database import Database
from store.embedded_postgres import EmbeddedPostgres
from store.erasure_list import ErasureList
from store.sessions import Sessions

SUPPORTED_URL_PARTS = {"host", "port", "user", "password", "dbname"}


def configured_database(settings: Settings) -> Database:
    """The server the settings name: KEYWORK_DATABASE_URL, or the POSTGRES_* variables."""
    if settings.database_url is not None:
        return database_at(settings.database_url.get_secret_value(), "KEYWORK_DATABASE_URL")
    assert settings.postgres_host is not None
    return Database(
        host=settings.postgres_host,
        port=settings.postgres_port,
        user=settings.postgres_user,
        password=settings.postgres_password.get_secret_value(),
        dbname=settings.postgres_dbname,
    )


def read_database(settings: Settings) -> Database | None:
    """The streaming replica the read models are queried on, if one is set."""
    url = settings.read_database_url
    return None if url is None else database_at(url.get_secret_value(), "KEYWORK_READ_DATABASE_URL")


def database_at(url: str, setting: str) -> Database:
    parts = conninfo_to_dict(url)
    unsupported = set(parts) - SUPPORTED_URL_PARTS
    if unsupported:
        # eventsourcing connects by these parts only; anything else would be dropped.
        raise ValueError(
            f"{setting}: {', '.join(sorted(unsupported))} not supported here; "
            "set libpq's environment variables instead (e.g. PGSSLMODE=require)"
        )
    return Database(
        host=str(parts.get("host", "127.0.0.1")),
        port=int(parts.get("port", 5432) or 5432),
        user=str(parts.get("user", "postgres")),
        password=str(parts.get("password", "")),
        dbname=str(parts.get("dbname", "postgres")),
    )


@contextmanager
def database(settings: Settings, max_connections: int = 100) -> Iterator[Database]:
    """The configured server, or the embedded one: started here and stopped on the way out,
    unless another process started it (then that process stops it)."""
    if not settings.uses_embedded_postgres:
        yield configured_database(settings)
        return
    if settings.embedded_database_url is not None:
        url = settings.embedded_database_url.get_secret_value()
        yield database_at(url, "KEYWORK_EMBEDDED_DATABASE_URL")
        return
    embedded = EmbeddedPostgres(settings.data_dir / "postgres", max_connections=max_connections)
    db = embedded.start()
    owned = embedded.owns
    if owned:
        say(f"The embedded PostgreSQL in {embedded.home} is on port {db.port}.")
    else:
        say(
            f"Using the embedded PostgreSQL already running in {embedded.home} (port {db.port}); "
            "the process that started it stops it."
        )
    try:
        yield db
    finally:
        embedded.stop()
        if owned:
            say("Stopped the embedded PostgreSQL.")


def say(message: str) -> None:
    """What the service tells the person starting it, apart from a command's own output."""
    print(message, file=sys.stderr, flush=True)


def open_keywork(settings: Settings, database: Database, clock: Clock = utc_now) -> Keywork:
    env = database.eventsourcing_env(settings.postgres_pool_size, settings.aggregate_cache_size)
    areas = Areas.load(settings.areas_file, settings.area_defaults)
    return Keywork(
        env,
        areas,
        DataKeys(settings.master_key_bytes, settings.key_cache_seconds),
        ServiceRules(areas.longest_reopen_window(), settings.business_support_email),
        ErasureList(settings.erasure_list_path),
        clock,
        settings.snapshot_every,
    )


def open_access_log(settings: Settings, database: Database) -> AccessLog:
    return AccessLog(database.eventsourcing_env(settings.postgres_pool_size))


def openers(settings: Settings, database: Database) -> dict[str, Opener]:
    """How a process of its own (a split rebuild's) opens each store, by the name read models
    follow it by: in turn with every other process making tables, as the service does."""
    return {
        Keywork.name: partial(_in_turn, open_keywork, settings, database),
        AccessLog.name: partial(_in_turn, open_access_log, settings, database),
    }


def _in_turn(
    open_store: Callable[[Settings, Database], Application[Any]],
    settings: Settings,
    database: Database,
) -> Application[Any]:
    with database.creating_tables():
        return open_store(settings, database)


def page_sessions(settings: Settings, keywork: Keywork) -> Sessions:
    return Sessions(
        keywork.store.datastore,
        idle=timedelta(minutes=settings.session_idle_minutes),
        lifetime=timedelta(hours=settings.session_hours),
    )


def mailer(settings: Settings) -> Mailer:
    if settings.smtp_host:
        return SmtpMailer(settings.smtp_host, settings.smtp_port)
    return MaildirMailer(settings.data_dir / "mail")


@dataclass
class Service:
    """Everything the service runs, made from one Settings over one database."""

    settings: Settings
    database: Database
    keywork: Keywork
    access: AccessLog
    read_models: ProjectionRunner
    letters: PrintQueue
    sessions: Sessions

    def app(self) -> FastAPI:
        return create_app(
            self.keywork, self.access, self.read_models, self.letters, self.sessions, self.settings
        )

    def notifier(self) -> Notifier:
        settings = self.settings
        mailboxes = Mailboxes(settings.mail_from, settings.coordinators_email)
        rounds = RoundRules(FeedbackTokens(settings.signing_secret), settings.pages_url)
        with self.database.creating_tables():
            return Notifier(
                self.keywork,
                self.database,
                mailer(settings),
                self.letters,
                mailboxes,
                rounds,
            )

    def scheduled_work(self) -> ScheduledWork:
        key_working = self.read_models.kept(KeyWorking)
        settings = self.settings
        return ScheduledWork(
            self.keywork,
            key_working,
            settings.reports_forwarded_days_before,
        )

    def relay(self) -> Relay | None:
        """The relay to Kafka, if a broker is configured."""
        servers = self.settings.kafka_bootstrap_servers
        if not servers:
            return None
        with self.database.creating_tables():
            return Relay(self.keywork, self.database, servers)


@contextmanager
def bootstrap(settings: Settings) -> Iterator[Service]:
    """The service over its database (the embedded one started here unless another process
    runs it), closed on the way out."""
    with database(settings) as db:
        with db.creating_tables():
            keywork = open_keywork(settings, db)
            access = open_access_log(settings, db)
            read_models = projection_runner(
                {keywork.name: keywork, access.name: access},
                db,
                keywork.rules,
                BlindIndex(settings.search_key_bytes),
                read_database(settings),
                settings.postgres_pool_size,
            )
            letters = PrintQueue(keywork.store.datastore, settings.data_dir / "letters")
            sessions = page_sessions(settings, keywork)
        try:
            # Before anything reads the store: a restored backup must not bring a child back.
            erased_again = keywork.replay_erasures()
            if erased_again:
                say(f"Erased again after a restore: {len(erased_again)} case(s)")
            yield Service(settings, db, keywork, access, read_models, letters, sessions)
        finally:
            read_models.close()
            access.close()
            keywork.close()
