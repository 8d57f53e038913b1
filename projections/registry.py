"""Every read model the service keeps, and the runner that keeps them."""

from collections.abc import Mapping
from typing import Any

from eventsourcing.application import Application
from eventsourcing.postgres import PostgresDatastore

from projections.distribution_list import DistributionList
from projections.key_working import KeyWorking
from projections.metrics import Metrics
from projections.read_model import Build, ReadModel
from projections.runner import ProjectionRunner
from projections.trail import Actions, Views
from store.database import Database

READ_MODELS: tuple[type[ReadModel], ...] = (
    KeyWorking,
    DistributionList,
    Actions,
    Views,
    Metrics,
)


def configured(supervision_every_days: int) -> Build:
    """Makes each read model with the service's settings for it."""

    def build(kind: type[ReadModel], datastore: PostgresDatastore, generation: int) -> ReadModel:
        if issubclass(kind, Metrics):
            return kind(datastore, generation, supervision_every_days)
        return kind(datastore, generation)

    return build


def projection_runner(
    apps: Mapping[str, Application[Any]], database: Database, supervision_every_days: int
) -> ProjectionRunner:
    return ProjectionRunner(apps, database, READ_MODELS, configured(supervision_every_days))


def read_model_named(name: str) -> type[ReadModel]:
    for kind in READ_MODELS:
        if kind.name == name:
            return kind
    raise KeyError(name)
