"""The `keywork` command line: run the service, or print a token for it."""

import argparse
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from types import FrameType
from typing import Any, Protocol, get_args

import uvicorn
from eventsourcing.application import Application
from fastapi import FastAPI
from tqdm import tqdm

from api import logs
from api.auth import DEFAULT_AREA, ROLES, Principal, issue_token
from api.bootstrap import bootstrap, openers
from api.metrics_report import report
from api.processes import CONSUMERS, supervise
from api.reads import known_at_time
from consumers.mail import MaildirMailer
from demo.loader import seed
from demo.synthetic import SCALES
from domain.age_bands import AgeBand
from domain.key_workers import KeyWorkerKind
from projections.key_working import KeyWorking
from projections.known_facts import Scope
from projections.metrics import Metrics
from projections.rebuild import rebuild_together
from projections.registry import READ_MODELS, read_model_named
from projections.runner import catch_up_fully
from projections.service_metrics import InvalidPeriod, Period, period
from projections.shares import Split
from services.settings import Settings

DEMO = Principal(user="demo-coordinator", role="coordinator", area=DEFAULT_AREA)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # uvicorn re-raises the signal once it has shut down; exiting through Python (rather than
    # the default handler) lets the `finally` blocks stop what this process started.
    raise SystemExit(128 + signum)


# How uvicorn serves the API (the HTTP floor of bench/floor.py is served the same way).
# logs.configure() sets up logging; the access log is logs.RequestLogging's.
SERVER_OPTIONS: dict[str, Any] = {"log_config": None, "access_log": False}

# What `keywork run` runs, each in processes of its own; `--only` runs some of them in this one.
PARTS = ("api", *CONSUMERS)


class Part(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


def run_all(settings: Settings) -> None:
    """Every part, each in processes of its own (api/processes.py)."""
    logs.configure()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    announce(settings)
    supervise(settings)


def run(settings: Settings, parts: Sequence[str], fd: int | None = None) -> None:
    """The parts in this process; the API on the listening socket `fd` if given."""
    logs.configure()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with bootstrap(settings) as service, ExitStack() as running:
        background: dict[str, Callable[[], Part | None]] = {
            "projections": lambda: service.read_models,
            "notifier": service.notifier,
            "overdue": service.scheduled_work,
            "relay": service.relay,
        }
        for part in parts:
            started = background[part]() if part in background else None
            if started is not None:
                started.start()
                running.callback(started.stop)
        if "api" not in parts:
            print(f"keywork is running: {', '.join(parts)}", flush=True)
            while True:
                signal.pause()  # until SIGTERM or Ctrl-C
        serve(service.app(), settings, fd)


def serve(app: FastAPI, settings: Settings, fd: int | None) -> None:
    config = uvicorn.Config(app, host=settings.host, port=settings.port, **SERVER_OPTIONS)
    if fd is None:
        announce(settings)
        uvicorn.Server(config).run()
    else:
        uvicorn.Server(config).run(sockets=[socket.socket(fileno=fd)])


def announce(settings: Settings) -> None:
    base = f"http://{settings.host}:{settings.port}"
    token = issue_token(DEMO, settings.signing_secret, settings.token_hours)
    print(f"\nkeywork is starting at {base}\n  API docs:   {base}/docs")
    print(f"  Demo token (coordinator, area {DEFAULT_AREA}):\n    {token}\n", flush=True)


def mail_list(settings: Settings) -> None:
    """The embedded default's mail: what would have been sent."""
    for message in MaildirMailer(settings.data_dir / "mail").messages():
        print(f"{message['Date'] or '':<32} {message['To']:<40} {message['Subject']}")


def mail_unconfirmed(settings: Settings) -> None:
    """Messages whose sending was cut short: a person checks whether each arrived."""
    with bootstrap(settings) as service:
        for event, recipient in service.notifier().unconfirmed():
            print(f"{event}  {recipient}")


def feedback_round(settings: Settings) -> None:
    """Sends every family owed a questionnaire theirs now, however few are waiting."""
    with bootstrap(settings) as service:
        sent = service.notifier().send_feedback_round(now=True)
        print(f"questionnaires sent to {sent} famil{'y' if sent == 1 else 'ies'}")


def projections_status(settings: Settings) -> None:
    with bootstrap(settings) as service:
        runner = service.read_models
        print(f"{'read model':<20} {'generation':>10} {'position':>10} {'head':>10} {'behind':>8}")
        for kind in READ_MODELS:
            position, head = runner.positions()[kind.name]
            print(
                f"{kind.name:<20} {runner.get(kind).generation:>10} {position:>10} {head:>10} "
                f"{head - position:>8}"
            )


def projections_rebuild(settings: Settings, names: list[str], processes: int) -> None:
    """Rebuilds the named read models (or all) together: one pass over each store they follow,
    those that split shared between `processes` processes."""
    with bootstrap(settings) as service:
        keywork, access = service.keywork, service.access
        apps: dict[str, Application[Any]] = {keywork.name: keywork, access.name: access}
        kinds = [read_model_named(name) for name in names] or list(READ_MODELS)
        stores = dict.fromkeys(kind.follows for kind in kinds)
        with ExitStack() as bars:
            bar = {
                store: bars.enter_context(
                    tqdm(
                        total=apps[store].recorder.max_notification_id() or 0,
                        desc=store,
                        unit="event",
                        position=number,
                    )
                )
                for number, store in enumerate(stores)
            }
            rebuilt = rebuild_together(
                apps,
                keywork.store.datastore,
                kinds,
                keywork.rules,
                service.read_models.blind_index,
                lambda store, position: bar[store].update(position - bar[store].n),
                Split(processes, openers(settings, service.database)),
            )
        for fresh in rebuilt:
            print(f"{fresh.name}: generation {fresh.generation} is live at {fresh.position()}")


def overdue_check(settings: Settings, today: date | None) -> None:
    """Brings key working up to date, then flags what is overdue on `today`."""
    with bootstrap(settings) as service:
        keywork = service.keywork
        catch_up_fully(keywork, service.read_models.kept(KeyWorking))
        day = today or keywork.clock().date()
        checked = service.scheduled_work().check(day)
        print(f"{checked} overdue contact(s) and review(s) flagged, or reports forwarded, on {day}")


def metrics_export(
    settings: Settings,
    within: Period,
    known_at: datetime | None,
    scope: Scope,
    output: Path | None,
) -> None:
    """Brings the metrics up to date, then writes the period's figures as a CSV."""
    with bootstrap(settings) as service:
        keywork = service.keywork
        model = service.read_models.kept(Metrics)
        catch_up_fully(keywork, model)
        every = keywork.areas.reported(scope.area).supervision_every_days
        text = report(model, within, known_at or keywork.clock(), scope, every).csv()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text)
        print(f"wrote {output}", file=sys.stderr)


def aware_time(text: str) -> datetime:
    """A time with its offset (2026-10-05T09:00:00+00:00), or a date meaning the end of it."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("give a date or a time with an offset") from None
    if len(text) == 10:
        return known_at_time(moment.date()) or moment
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time's offset, e.g. +00:00")
    return moment


def demo_seed(settings: Settings, scale: str, seed_number: int, cases: int | None) -> None:
    """Fills the store with synthetic histories at county or England scale (resumable); with
    `cases`, only the first cases' histories (and the whole directory)."""
    chosen = SCALES[scale]
    if cases is not None:
        chosen = replace(chosen, children=min(cases, chosen.children))
    with bootstrap(settings) as service:
        keywork = service.keywork
        with tqdm(desc=f"{scale} histories", unit="event") as bar:
            now = keywork.clock()
            written = seed(keywork, service.access, chosen, seed_number, now, bar.update)
        stored = f"the first {chosen.children:,} of {SCALES[scale].children:,} ({scale})"
        print(f"{written:,} cases written; {stored} are in the store")


def positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def period_argument(text: str) -> Period:
    try:
        return period(text)
    except InvalidPeriod as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def token(
    settings: Settings,
    role: str,
    user: str,
    team: str | None,
    area: str,
    events: str | None,
    scope: str | None,
) -> None:
    grants = tuple(events.split(",")) if events else ()
    scopes = tuple(scope.split()) if scope else ()
    principal = Principal(user, role, team, area, grants, scopes)  # type: ignore[arg-type]
    print(issue_token(principal, settings.signing_secret, settings.token_hours))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="keywork", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run the API (and the embedded PostgreSQL)")
    run_parser.add_argument("--port", type=int, help="port to listen on (default KEYWORK_PORT)")
    run_parser.add_argument(
        "--only",
        choices=PARTS,
        nargs="+",
        help="run only these parts, in this process (needs a configured database, not the "
        "embedded one)",
    )
    run_parser.add_argument(
        "--fd",
        type=int,
        help="with --only api: serve on this inherited listening socket (how `keywork run` "
        "shares its port among the API's processes)",
    )
    token_parser = commands.add_parser("token", help="print a bearer token")
    token_parser.add_argument("--role", required=True, choices=ROLES)
    token_parser.add_argument("--user", required=True, help="user id; a practitioner_id for staff")
    token_parser.add_argument("--team")
    token_parser.add_argument("--area", default=DEFAULT_AREA)
    token_parser.add_argument(
        "--events", help="for downstream: the event types it may read, comma-separated"
    )
    token_parser.add_argument(
        "--scope",
        help="for downstream: OAuth scopes, space-separated ('system/*.read' reads the FHIR view)",
    )
    projections_parser = commands.add_parser("projections", help="read models: status, rebuild")
    projections_commands = projections_parser.add_subparsers(dest="projections", required=True)
    projections_commands.add_parser("status", help="each read model's position against the store")
    rebuild_parser = projections_commands.add_parser(
        "rebuild", help="rebuild beside the live tables, then switch"
    )
    overdue_parser = commands.add_parser("overdue", help="overdue contacts")
    check_parser = overdue_parser.add_subparsers(dest="overdue", required=True).add_parser(
        "check", help="flag the contacts overdue today (or on --today)"
    )
    check_parser.add_argument("--today", type=date.fromisoformat, help="YYYY-MM-DD")
    metrics_parser = commands.add_parser("metrics", help="service metrics")
    export_parser = metrics_parser.add_subparsers(dest="metrics", required=True).add_parser(
        "export", help="write a period's metrics as CSV (to stdout, or --output)"
    )
    export_parser.add_argument(
        "--period", required=True, type=period_argument, help="2026, 2026-Q3 or 2026-07"
    )
    export_parser.add_argument(
        "--known-at", type=aware_time, help="only what was recorded by then (default: now)"
    )
    export_parser.add_argument("--area")
    export_parser.add_argument("--age-band", choices=get_args(AgeBand))
    export_parser.add_argument("--key-worker-kind", choices=get_args(KeyWorkerKind))
    export_parser.add_argument("--output", type=Path)
    demo_parser = commands.add_parser("demo", help="synthetic data for demonstrations")
    seed_parser = demo_parser.add_subparsers(dest="demo", required=True).add_parser(
        "seed", help="write synthetic case histories (resumes an interrupted run)"
    )
    seed_parser.add_argument("--scale", choices=sorted(SCALES), default="county")
    seed_parser.add_argument("--seed", type=int, default=1, help="the same seed, the same data")
    seed_parser.add_argument(
        "--cases", type=positive, help="only the first CASES cases (a later run writes the rest)"
    )
    mail_parser = commands.add_parser("mail", help="the embedded default's mail")
    mail_commands = mail_parser.add_subparsers(dest="mail", required=True)
    mail_commands.add_parser("list", help="messages delivered to the local maildir")
    mail_commands.add_parser("unconfirmed", help="messages whose sending was cut short")
    feedback_parser = commands.add_parser("feedback", help="family feedback questionnaires")
    feedback_parser.add_subparsers(dest="feedback", required=True).add_parser(
        "round", help="send the families owed a questionnaire theirs now"
    )
    names = ", ".join(kind.name for kind in READ_MODELS)
    rebuild_parser.add_argument("names", nargs="*", help=f"any of: {names} (default: all)")
    rebuild_parser.add_argument(
        "--processes",
        type=positive,
        default=1,
        help="processes sharing the read models, each with its share of the cases (default 1: "
        "on two cores, two gave a tenth more at most; see docs/scaling.md)",
    )
    args = parser.parse_args(argv)
    unknown = set(getattr(args, "names", [])) - {kind.name for kind in READ_MODELS}
    if unknown:
        parser.error(f"no read model named {', '.join(sorted(unknown))}; choose from {names}")

    settings = Settings(**({"port": args.port} if getattr(args, "port", None) else {}))
    if args.command == "run":
        handed_over = settings.embedded_database_url is not None
        if args.only and settings.uses_embedded_postgres and not handed_over:
            parser.error("--only runs parts that share a database: set KEYWORK_DATABASE_URL")
        if args.fd is not None and "api" not in (args.only or ()):
            parser.error("--fd is where the API serves: give --only api")
        try:
            if args.only:
                run(settings, args.only, args.fd)
            else:
                run_all(settings)
        except KeyboardInterrupt:
            sys.exit(130)
    elif args.command == "demo":
        demo_seed(settings, args.scale, args.seed, args.cases)
    elif args.command == "metrics":
        scope = Scope(args.area, args.age_band, args.key_worker_kind)
        metrics_export(settings, args.period, args.known_at, scope, args.output)
    elif args.command == "overdue":
        overdue_check(settings, args.today)
    elif args.command == "feedback":
        feedback_round(settings)
    elif args.command == "mail" and args.mail == "list":
        mail_list(settings)
    elif args.command == "mail":
        mail_unconfirmed(settings)
    elif args.command == "projections" and args.projections == "status":
        projections_status(settings)
    elif args.command == "projections":
        projections_rebuild(settings, args.names, args.processes)
    else:
        token(settings, args.role, args.user, args.team, args.area, args.events, args.scope)


if __name__ == "__main__":
    main()
