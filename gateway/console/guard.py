"""Who may see and change what: the session behind a request, its CSRF token, and the
HTML answers the console gives (a page, a redirect to sign in, a refusal)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.response import Redirect

from gateway.console.html import esc, page
from gateway.console.sessions import COOKIE, Session, Sessions

__all__ = [
    "CSRF_HEADER",
    "Guard",
    "NeedsSignIn",
    "Refused",
    "html",
    "refused_page",
    "sign_in_redirect",
]

CSRF_HEADER = "x-csrf-token"
HTML = "text/html; charset=utf-8"


class NeedsSignIn(Exception):
    """No valid session: the answer is a redirect to the sign-in page."""

    def __init__(self, back: str) -> None:
        super().__init__(back)
        self.back = back


def html(body: str, status: int = 200) -> Response[str]:
    return Response(body, status_code=status, media_type=HTML)


class Guard:
    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions

    def session(self, request: Request[Any, Any, Any]) -> Session:
        session = self.sessions.get(request.cookies.get(COOKIE))
        if session is None:
            back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise NeedsSignIn(back if request.method == "GET" else "/console/")
        return session

    async def change(self, request: Request[Any, Any, Any]) -> tuple[Session, dict[str, list[str]]]:
        """The session and the form of a POST that changes something, or `Refused`."""
        session = self.session(request)
        form = await request.form()
        fields = {k: [str(v) for v in form.getall(k)] for k in form}
        token = request.headers.get(CSRF_HEADER) or (fields.get("csrf") or [""])[0]
        if not session.csrf_ok(token):
            raise Refused(
                403,
                "This change was refused: it did not carry the console's CSRF token. "
                "Reload the page and try again; nothing was changed.",
            )
        return session, fields

    def page(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        title: str,
        body: str,
        status: int = 200,
    ) -> Response[str]:
        return html(
            page(title, body, path=request.url.path, actor=session.actor, csrf=session.csrf), status
        )


class Refused(Exception):
    """A request the console refuses, with the status and the sentence shown."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def sign_in_redirect(exc: NeedsSignIn) -> Redirect:
    return Redirect(f"/console/login?next={quote(exc.back, safe='/')}")


def refused_page(exc: Refused) -> Response[str]:
    body = (
        f'<p class="error" id="refused">{esc(exc.message)}</p><p><a href="/console/">Back</a></p>'
    )
    return html(page("Refused", body, path="", actor=None, csrf=None), exc.status)
