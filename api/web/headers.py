"""What every page response says to the browser about itself: where its parts may come from
(nothing inline, nothing from elsewhere, no scripts at all), that no site may frame it, that its
type is as declared, that it sends no referrer, that it wants no device features, that it is not
to be cached (it holds personal data), and over https that only https will do."""

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.middleware import HttpMiddleware
from api.web.session import PAGES


def content_security_policy(provider: str | None = None) -> str:
    """Forms post only here, and, for signing out there too, to the organisation's provider
    (`provider`, its origin): a form's redirect elsewhere is refused by `form-action`."""
    return "; ".join(
        (
            "default-src 'none'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            f"form-action 'self' {provider}" if provider else "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        )
    )


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
PAGE_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "permissions-policy": PERMISSIONS_POLICY,
    "cache-control": "no-store",
}
HSTS = ("strict-transport-security", "max-age=31536000; includeSubDomains")


def download(content: str | bytes, media_type: str, name: str) -> Response:
    """A file to save, not to open: the pages' policy would block a viewer in the browser."""
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type=media_type, headers=headers)


class PageHeaders(HttpMiddleware):
    def __init__(self, app: ASGIApp, provider: str | None) -> None:
        super().__init__(app)
        self.headers = PAGE_HEADERS | {"content-security-policy": content_security_policy(provider)}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        if path not in ("/", PAGES) and not path.startswith(f"{PAGES}/"):
            await self.app(scope, receive, send)
            return
        wanted = dict(self.headers)
        if scope["scheme"] == "https":
            wanted[HSTS[0]] = HSTS[1]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = [(name, value) for name, value in message.get("headers", [])]
                named = {name.decode().lower() for name, _ in given}
                added = [
                    (name.encode(), value.encode())
                    for name, value in wanted.items()
                    if name not in named  # a page that says otherwise keeps its own
                ]
                message = {**message, "headers": [*given, *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
