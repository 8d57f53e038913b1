"""The service's address itself: where a person finds the pages, and a developer the API."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.web.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/")
async def front_door(request: Request) -> HTMLResponse:
    return render(request, "front_door.html")
