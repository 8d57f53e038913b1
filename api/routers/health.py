"""Liveness, and how far the store has got."""

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import Runner, Service

router = APIRouter(tags=["health"])


class ProjectionHealth(BaseModel):
    name: str
    position: int
    behind: int


class HealthOut(BaseModel):
    status: str
    store_head: int
    projections: list[ProjectionHealth]


@router.get("/health", response_model=HealthOut)
def health(keywork: Service, runner: Runner) -> HealthOut:
    head = keywork.recorder.max_notification_id() or 0
    projections = [
        ProjectionHealth(name=name, position=position, behind=max(followed - position, 0))
        for name, (position, followed) in runner.positions().items()
    ]
    return HealthOut(status="ok", store_head=head, projections=projections)
