"""Every read model the service keeps, and the runner that keeps them."""

from collections.abc import Mapping
from typing import Any

from eventsourcing.application import Application

from projections.child_index import ChildIndex
from projections.directory import Directory
from projections.distribution_list import DistributionList
from projections.key_working import KeyWorking
from projections.metrics import Metrics
from projections.read_model import ReadModel
from projections.runner import ProjectionRunner
from projections.trail import Actions, Views
from services.rules import ServiceRules
from store.blind_index import BlindIndex
from store.database import Database

READ_MODELS: tuple[type[ReadModel], ...] = (
    KeyWorking,
    DistributionList,
    Actions,
    Views,
    Metrics,
    Directory,
    ChildIndex,
)


def projection_runner(
    apps: Mapping[str, Application[Any]],
    database: Database,
    rules: ServiceRules,
    blind_index: BlindIndex,
    read_database: Database | None = None,
    pool_size: int = 10,
) -> ProjectionRunner:
    return ProjectionRunner(
        apps, database, READ_MODELS, rules, blind_index, read_database, pool_size
    )


def read_model_named(name: str) -> type[ReadModel]:
    for kind in READ_MODELS:
        if kind.name == name:
            return kind
    raise KeyError(name)
