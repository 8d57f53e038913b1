"""Liveness, and how far the store has got."""

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import Service

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    status: str
    store_head: int


@router.get("/health", response_model=HealthOut)
def health(keywork: Service) -> HealthOut:
    return HealthOut(status="ok", store_head=keywork.recorder.max_notification_id() or 0)
