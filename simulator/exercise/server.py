"""Serving the exercise app: Solara on uvicorn, offline, with a token gate off loopback.

On 127.0.0.1 (the default) the page opens as the facilitator without a token;
on any other address every request must carry a valid token, in the join
link's ``?token=`` or in the cookie set when such a link was opened.  Roles
are checked again on the server for every action (see ``session.py``).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

COOKIE = "migsim_token"


def offline_environment() -> None:
    """Settings that keep Solara from reaching the network: local assets, no telemetry, no reloading."""
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    os.environ.setdefault("SOLARA_MODE", "production")
    os.environ["SOLARA_APP"] = "simulator.exercise.app:Page"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class TokenGate:
    """ASGI middleware: refuse any request without a valid token (when ``required``)."""

    def __init__(self, app, tokens: list[str], required: bool):
        self.app = app
        self.tokens = list(tokens)
        self.required = required

    def _valid(self, token: str | None) -> bool:
        return bool(token) and any(secrets.compare_digest(token, t) for t in self.tokens)

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket") or not self.required:
            return await self.app(scope, receive, send)
        query = parse_qs(scope.get("query_string", b"").decode())
        from_query = query.get("token", [None])[0]
        headers = dict((k.decode().lower(), v.decode()) for k, v in scope.get("headers", []))
        cookie = SimpleCookie(headers.get("cookie", ""))
        from_cookie = cookie[COOKIE].value if COOKIE in cookie else None
        if self._valid(from_query):
            if scope["type"] == "http":

                async def send_with_cookie(message):
                    if message["type"] == "http.response.start":
                        extra = f"{COOKIE}={from_query}; Path=/; HttpOnly; SameSite=Strict".encode()
                        message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", extra)]}
                    await send(message)

                return await self.app(scope, receive, send_with_cookie)
            return await self.app(scope, receive, send)
        if self._valid(from_cookie):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4403})
            return
        body = b"refused: this address needs the token of a join link (?token=...)\n"
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def build_app(session, host: str, port: int):
    """The ASGI app serving ``session``, and the address to print."""
    offline_environment()
    from simulator.exercise.app import RUNTIME

    base = f"http://{host}:{port}/"
    RUNTIME.start(session, loopback=is_loopback(host), base_url=base)
    from solara.server.starlette import app as solara_app

    return TokenGate(solara_app, list(session.tokens.values()), required=not is_loopback(host)), base


def serve(session, host: str = "127.0.0.1", port: int = 8765, on_ready=None) -> None:
    """Serve the session until interrupted."""
    import uvicorn

    app, base = build_app(session, host, port)
    if on_ready is not None:
        on_ready(base)
    uvicorn.run(app, host=host, port=port, log_level="warning")
