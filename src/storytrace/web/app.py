"""The web service: JSON API under /api, server-rendered HTML pages, the API reference.

Writes (POST /api/reports) need ``Authorization: Bearer <token>`` whenever a token is set.
Without a token they are allowed only when the server is bound to loopback (``serve``
refuses a non-loopback bind without a token), and then only from requests addressed to a
loopback name with no foreign Origin, so that a web page open in the user's browser cannot
post into the store (DNS rebinding, cross-site forms).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from storytrace.ingest.budget import Budget
from storytrace.web import desk, pages
from storytrace.web.binding import is_loopback
from storytrace.web.docs import docs_page
from storytrace.web.downloads import csv_response, json_response
from storytrace.web.models import (
    ArticleDetail,
    IngestResult,
    QueueList,
    ReportIn,
    SearchResults,
    Status,
    StoryList,
    TraceDocument,
)
from storytrace.web.search import SearchError
from storytrace.web.search import search as fts_search
from storytrace.web.state import Service, Snapshot, TraceFailed

MAX_BODY = 20_000_000  # bytes of one POST
MAX_REPORTS = 1000  # reports in one POST
TRACE_WAIT = 600.0  # seconds a POST waits for its re-trace before answering traced=false
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}

_ERR = {"content": {"application/json": {"schema": {"type": "object", "properties": {"detail": {"type": "string"}}}}}}

LIVE_POLL = 5.0  # seconds between the live script's looks at /api/status
STATIC = Path(__file__).with_name("static")

# Pages of our own run only our static script (the live notice) and our static stylesheet; the
# story page may also run the report renderer's own inline script and style, allowed by their
# hashes only (see render_story). connect-src: the live script reads /api/status.
CSP_PAGES = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
Format = Literal["html", "json", "csv"]
FORMAT = Query("html", description="html (the page), json or csv (a download of what the page lists).")


def create_app(
    db_path: str | Path,
    token: str | None = None,
    *,
    open_writes: bool = True,
    trace_on_start: bool = True,
    trace_worker: str = "process",
    budget: Budget | None = None,
    max_body: int = MAX_BODY,
    max_reports: int = MAX_REPORTS,
    live_poll: float = LIVE_POLL,
) -> FastAPI:
    """The app for the store at ``db_path``. ``token``: writes need it. Without a token,
    ``open_writes`` says whether writes are allowed at all (``serve`` passes True only for a
    loopback bind). ``trace_worker``: "thread" or "process" (see Service). ``budget``: the
    limits of each posted report; ``max_body`` (bytes) and ``max_reports`` those of one POST
    (413 beyond them). ``live_poll``: seconds between the pages' looks for a newer trace."""
    token = token or None
    service = Service(str(db_path), worker=trace_worker, budget=budget)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await run_in_threadpool(service.open, trace_on_start)
        yield
        await run_in_threadpool(service.close)

    app = FastAPI(
        title="storytrace",
        version=_version(),
        description="Trace news stories: stories, their origin and derivatives, sentence alignments and audit findings.",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; /docs is served below
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.token = token
    writes_mode = "token" if token else ("open" if open_writes else "closed")
    live_ms = max(250, int(live_poll * 1000))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # ------------------------------------------------------------------ headers
    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", CSP_PAGES)
        return response

    # ------------------------------------------------------------------ auth
    def authorize(request: Request) -> None:
        if token:
            scheme, _, value = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                raise HTTPException(
                    401,
                    "writing needs 'Authorization: Bearer <token>'",
                    headers={"WWW-Authenticate": 'Bearer realm="storytrace"'},
                )
            # Constant time, so that the answer's timing does not tell how much of a guess was right.
            if not hmac.compare_digest(value.strip().encode("utf-8"), token.encode("utf-8")):
                raise HTTPException(
                    403, "wrong token", headers={"WWW-Authenticate": 'Bearer realm="storytrace", error="invalid_token"'}
                )
            return
        if not open_writes:
            raise HTTPException(403, "writes are disabled: start the server with --token to allow them")
        host = _hostname(request.headers.get("host", ""))
        if host not in LOOPBACK_NAMES and not is_loopback(host):
            raise HTTPException(403, f"without a token, writes must be addressed to a loopback name, not {host!r}")
        origin = request.headers.get("origin")
        if origin is not None and (origin == "null" or not is_loopback(_hostname(urlsplit(origin).netloc))):
            raise HTTPException(403, "without a token, writes from another origin are refused")

    # ------------------------------------------------------------------ API: read
    @app.get(
        "/api/status",
        response_model=Status,
        tags=["api"],
        summary="Store and trace status",
        description="Also notices reports another process stored in the same file (storytrace watch, trace) and starts "
        "a re-trace for them; the pages poll it to tell their reader of a newer trace.",
    )
    def status() -> dict:
        snap = service.snapshot
        with service.reader() as db:
            count = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            # rows another process stored (storytrace watch) get traced; the pages' live script polls here
            service.notice_store_changes(db)
        return {
            "articles": count,
            "stories": len(snap.stories),
            "traced_articles": len(snap.articles),
            "trace_version": snap.version,
            "tracing": service.tracing,
            "last_trace_seconds": service.last_seconds,
            "last_error": service.last_error,
            "writes": writes_mode,
        }

    @app.get("/api/stories", response_model=StoryList, tags=["api"], summary="List stories, largest first")
    def list_stories(
        offset: int = Query(0, ge=0, description="Skip this many stories."),
        limit: int = Query(100, ge=1, le=1000, description="At most this many stories."),
    ) -> dict:
        snap = service.snapshot
        return {
            "total": len(snap.summaries),
            "offset": offset,
            "limit": limit,
            "trace_version": snap.version,
            "tracing": service.tracing,
            "stories": snap.summaries[offset : offset + limit],
        }

    @app.get(
        "/api/queue", response_model=QueueList, tags=["api"], summary="Derivatives whose facts were altered, most severe first"
    )
    def api_queue(
        story: str | None = Query(None, description="Only this story's derivatives."),
        offset: int = Query(0, ge=0),
        limit: int = Query(100, ge=1, le=1000),
    ) -> dict:
        snap = service.snapshot
        rows = queue_of(snap, story)
        return {
            "total": len(rows),
            "offset": offset,
            "limit": limit,
            "trace_version": snap.version,
            "tracing": service.tracing,
            "items": rows[offset : offset + limit],
        }

    @app.get(
        "/api/stories/{story_id}",
        tags=["api"],
        summary="One story as a trace document, with its reports",
        response_model=TraceDocument,
        responses={404: {"description": "No such story", **_ERR}},
    )
    def get_story(story_id: str) -> Response:
        body = service.snapshot.story_json(story_id)
        if body is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return Response(body, media_type="application/json")  # pre-serialised: skips re-validation

    @app.get(
        "/api/articles/{article_id:path}",
        response_model=ArticleDetail,
        tags=["api"],
        summary="One report: text, sentences, its story and edges",
        responses={404: {"description": "No such report", **_ERR}},
    )
    def get_article(article_id: str) -> dict:
        detail = article_detail(service, service.snapshot, article_id)
        if detail is None:
            raise HTTPException(404, f"no report {article_id!r}")
        return detail

    @app.get(
        "/api/search",
        response_model=SearchResults,
        tags=["api"],
        summary="Full-text search (SQLite FTS5) over titles and texts",
        description='q uses FTS5 query syntax: words, "quoted phrases", AND / OR / NOT, prefix*, title:word. '
        "A query FTS5 cannot parse is answered 400 with the reason.",
        responses={400: {"description": "Bad query syntax", **_ERR}},
    )
    def api_search(
        q: str = Query(..., max_length=500, description="FTS5 query."),
        limit: int = Query(20, ge=1, le=100),
        offset: int = Query(0, ge=0),
    ) -> dict:
        try:
            return run_search(service, q, limit, offset)
        except SearchError as exc:
            raise HTTPException(400, str(exc)) from exc

    # ------------------------------------------------------------------ API: write
    @app.post(
        "/api/reports",
        response_model=IngestResult,
        tags=["api"],
        summary="Add reports, re-trace, return the stories they are in",
        description=(
            "Body: one report object or an array of them (schema ReportIn). Each report is stored in its own "
            "transaction; one posted again with the same content is 'unchanged', the same id with other content "
            "is rejected. Rejected reports are listed with the reason. When something was added the store is "
            "re-traced before the answer.\n\n"
            "Status: 200 all accepted; 207 some rejected; 422 none accepted. Needs 'Authorization: Bearer <token>' "
            "when the server has a token (401 without, 403 wrong); without a token only loopback requests may write."
        ),
        status_code=200,
        responses={
            207: {"description": "Some reports were rejected (see 'rejected')", "model": IngestResult},
            400: {"description": "The body is not JSON, or not a report or a list of them", **_ERR},
            401: {"description": "No bearer token", **_ERR},
            403: {"description": "Wrong token, or writes not allowed", **_ERR},
            413: {"description": "Body or list too large", **_ERR},
            415: {"description": "Body is not application/json", **_ERR},
            422: {"description": "Every report was rejected", "model": IngestResult},
            500: {"description": "Reports stored but the re-trace failed", **_ERR},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/ReportIn"},
                                {"type": "array", "items": {"$ref": "#/components/schemas/ReportIn"}, "maxItems": MAX_REPORTS},
                            ]
                        }
                    }
                },
            },
            "security": [{"bearer": []}],
        },
    )
    async def post_reports(request: Request) -> JSONResponse:
        authorize(request)  # before reading anything of the body
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise HTTPException(415, "send the reports as application/json")
        raw = await _read_body(request, max_body)
        try:
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise HTTPException(400, f"the body is not JSON: {exc}") from exc
        items, positions, sent_ids = parse_reports(payload, max_reports)
        result, code = await run_in_threadpool(write_reports, service, items, positions, sent_ids)
        return JSONResponse(result, status_code=code)

    # ------------------------------------------------------------------ HTML
    def frame(snap: Snapshot, downloads: str | None = None, *, query: str = "", notices: bool = False) -> dict:
        """What every page's frame needs; ``downloads``: the page's address, to offer ?format=."""
        notes: list[str] = []
        if notices:
            with service.reader() as db:
                stored = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
                service.notice_store_changes(db)
            notes = pages.tracing_notices(service.tracing, snap, stored)
        links = None
        if downloads is not None:
            sep = "&" if "?" in downloads else "?"
            links = {"json": downloads + sep + "format=json", "csv": downloads + sep + "format=csv"}
        return {"query": query, "notices": notes, "live": pages.live_state(snap, live_ms), "downloads": links}

    def not_found(snap: Snapshot, what: str) -> HTMLResponse:
        return HTMLResponse(pages.not_found_page(what, **frame(snap)), status_code=404)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/queue", response_class=HTMLResponse, include_in_schema=False)
    def queue_html(
        request: Request,
        story: str | None = None,
        offset: int = Query(0, ge=0),
        limit: int = Query(100, ge=1, le=1000),
        format: Format = FORMAT,
    ) -> Response:
        snap = service.snapshot
        rows = queue_of(snap, story)
        if format == "json":
            return json_response(rows, "storytrace-queue")
        if format == "csv":
            return csv_response([desk.queue_csv_row(r) for r in rows], desk.QUEUE_COLUMNS, "storytrace-queue")
        params = {"story": story} if story else {}
        story_filter = {"href": desk.story_href(story), "name": desk.story_name(snap, story)} if story in snap.stories else None
        here = request.url.path + ("?" + urlencode(params) if params else "")
        return HTMLResponse(
            pages.queue_page(
                rows[offset : offset + limit],
                total=len(rows),
                offset=offset,
                stories_total=len(snap.stories),
                version=snap.version,
                pages=pager(request.url.path, params, offset, limit, len(rows)),
                story_filter=story_filter,
                **frame(snap, here, notices=True),
            )
        )

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_html(offset: int = Query(0, ge=0), limit: int = Query(200, ge=1, le=1000), format: Format = FORMAT) -> Response:
        snap = service.snapshot
        rows = desk.story_rows(snap)
        if format == "json":
            return json_response(rows, "storytrace-stories")
        if format == "csv":
            return csv_response(rows, desk.STORY_COLUMNS, "storytrace-stories")
        return HTMLResponse(
            pages.stories_page(
                rows[offset : offset + limit],
                total=len(rows),
                reports=len(snap.articles),
                version=snap.version,
                pages=pager("/stories", {}, offset, limit, len(rows)),
                **frame(snap, "/stories", notices=True),
            )
        )

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_html(story_id: str, format: Format = FORMAT) -> Response:
        snap = service.snapshot
        if story_id not in snap.stories:
            return not_found(snap, f"No story {story_id!r} in this trace (a re-trace that regroups reports names stories anew).")
        if format == "json":
            return json_response(snap.story_json(story_id) or b"{}", f"storytrace-{story_id}")
        if format == "csv":
            views = desk.story_findings(snap, story_id)
            return csv_response([desk.finding_csv_row(v) for v in views], desk.FINDING_COLUMNS, f"storytrace-{story_id}-findings")
        text, csp = render_story(snap, story_id, pages.live_state(snap, live_ms))
        return HTMLResponse(text, headers={"Content-Security-Policy": csp})

    @app.get("/stories/{story_id}/pair", response_class=HTMLResponse, include_in_schema=False)
    def pair_html(story_id: str, derived: str, source: str = "", format: Format = FORMAT) -> Response:
        """A derivative beside its source: the story page opened at that pair's panel."""
        snap = service.snapshot
        if story_id not in snap.stories:
            return not_found(snap, f"No story {story_id!r} in this trace.")
        page_text, _csp = render_story(snap, story_id, pages.live_state(snap, live_ms))
        anchor = desk.pair_anchor(page_text, derived, source or None)
        if anchor is None:
            return not_found(
                snap,
                f"The story {desk.story_name(snap, story_id)!r} shows no report {derived!r} beside {source or 'no source'!r}.",
            )
        views = desk.story_findings(snap, story_id, derived=derived, source=source or None)
        stem = f"storytrace-{story_id}-pair"
        if format == "json":
            edges = snap.stories[story_id].get("edges") or []
            edge = next((e for e in edges if e.get("derived") == derived and e.get("source") == (source or None)), None)
            return json_response(
                {
                    "story": story_id,
                    "derived": derived,
                    "source": source or None,
                    "edge": edge,
                    "findings": [desk.finding_json(v) for v in views],
                    "href": desk.pair_href(story_id, derived, source or None),
                },
                stem,
            )
        if format == "csv":
            return csv_response([desk.finding_csv_row(v) for v in views], desk.FINDING_COLUMNS, stem)
        return RedirectResponse(desk.story_href(story_id) + "#" + anchor, status_code=303)

    @app.get("/stories/{story_id}/findings/{number}", response_class=HTMLResponse, include_in_schema=False)
    def finding_html(story_id: str, number: int, format: Format = FORMAT) -> Response:
        """Finding ``number`` (from 1) of a story, with the sentences it points at."""
        snap = service.snapshot
        view = desk.finding_view(snap, story_id, number)
        if view is None:
            return not_found(snap, f"No finding {number} in story {story_id!r}.")
        stem = f"storytrace-{story_id}-finding-{number}"
        if format == "json":
            return json_response(desk.finding_json(view), stem)
        if format == "csv":
            return csv_response([desk.finding_csv_row(view)], desk.FINDING_COLUMNS, stem)
        page_text, _csp = render_story(snap, story_id, pages.live_state(snap, live_ms))
        fid = desk.finding_anchor(page_text, number)
        highlight = desk.story_href(story_id) + "#" + fid if fid else None
        return HTMLResponse(pages.finding_page(view, highlight, **frame(snap, view["href"])))

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_html(article_id: str, format: Format = FORMAT) -> Response:
        snap = service.snapshot
        detail = article_detail(service, snap, article_id)
        if detail is None:
            return not_found(snap, f"No report {article_id!r}.")
        stem = f"storytrace-{article_id}"
        if format == "json":
            return json_response(detail, stem)
        if format == "csv":
            rows = [
                {"sentence": s["index"] + 1, "start": s["start"], "end": s["end"], "text": s["text"]} for s in detail["sentences"]
            ]
            return csv_response(rows, ["sentence", "start", "end", "text"], stem)
        return HTMLResponse(pages.article_page(detail, snap, **frame(snap, desk.article_href(article_id))))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_html(
        q: str = "", offset: int = Query(0, ge=0), limit: int = Query(20, ge=1, le=100), format: Format = FORMAT
    ) -> Response:
        snap = service.snapshot
        if not q.strip():
            return HTMLResponse(pages.search_page(None, None, {}, snap, **frame(snap)))
        here = "/search?" + urlencode({"q": q, "offset": offset, "limit": limit})
        try:
            result = run_search(service, q, limit, offset)
        except SearchError as exc:
            if format != "html":
                raise HTTPException(400, str(exc)) from exc
            return HTMLResponse(pages.search_page(None, str(exc), {}, snap, **frame(snap, query=q)), status_code=400)
        if format == "json":
            return json_response(result, "storytrace-search")
        if format == "csv":
            rows = [
                {
                    **h,
                    "sentence": None if h["sentence"] is None else h["sentence"] + 1,
                    "href": desk.article_href(h["id"], h["sentence"]),
                }
                for h in result["hits"]
            ]
            columns = ["id", "title", "outlet", "published", "story", "sentence", "snippet", "href"]
            return csv_response(rows, columns, "storytrace-search")
        links = pager("/search", {"q": q, "limit": limit}, offset, limit, result["total"])
        return HTMLResponse(pages.search_page(result, None, links, snap, **frame(snap, here, query=q)))

    def openapi() -> dict:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schemas = spec.setdefault("components", {}).setdefault("schemas", {})
            schemas["ReportIn"] = ReportIn.model_json_schema(ref_template="#/components/schemas/{model}")
            spec["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:  # no live notice: the reference does not change with the store
        return HTMLResponse(docs_page(app.openapi()))

    return app


# ---------------------------------------------------------------------- helpers
def _version() -> str:
    try:
        from importlib.metadata import version

        return version("storytrace")
    except Exception:  # noqa: BLE001 - running from a source tree
        return "0"


def pager(base: str, params: dict, offset: int, limit: int, total: int) -> dict:
    """Addresses of the previous and next page of a list (None at either end)."""

    def at(start: int) -> str:
        return base + "?" + urlencode({**params, "offset": start, "limit": limit})

    return {
        "previous": at(max(0, offset - limit)) if offset > 0 else None,
        "next": at(offset + limit) if offset + limit < total else None,
    }


def queue_of(snap: Snapshot, story: str | None) -> list[dict]:
    rows = desk.queue_rows(snap)
    return [r for r in rows if r["story"] == story] if story else rows


def _hostname(netloc: str) -> str:
    """The host of a Host header or netloc, without port or brackets, lower case."""
    netloc = (netloc or "").strip().lower()
    if netloc.startswith("["):
        return netloc[1 : netloc.find("]")] if "]" in netloc else netloc
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"body larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_reports(payload: Any, max_reports: int = MAX_REPORTS) -> tuple[list, dict[str, int], dict[int, str]]:
    """Articles (or Rejected, with the reason) from a posted object or list; each id's first
    position in the list (1-based), to point at conflicts found later; and the id each item
    was sent with (a rejection answers with it)."""
    from storytrace.ingest.source import FIELDS, Source, record_to_article

    if isinstance(payload, dict):
        records = [payload]
    elif isinstance(payload, list):
        records = payload
    else:
        raise HTTPException(400, "the body must be a report object or an array of report objects")
    if not records:
        raise HTTPException(400, "the list of reports is empty")
    if len(records) > max_reports:
        raise HTTPException(413, f"{len(records)} reports in one request; at most {max_reports}")
    src = Source(input="POST /api/reports", stem="api")
    items: list = []
    positions: dict[str, int] = {}
    sent_ids: dict[int, str] = {}
    for k, obj in enumerate(records, 1):
        if isinstance(obj, dict) and isinstance(obj.get("id"), (str, int, float)) and not isinstance(obj.get("id"), bool):
            sent_ids[k] = str(obj["id"])
        if not isinstance(obj, dict):
            items.append(
                src.reject("json", f"the item is a JSON {type(obj).__name__}, not an object", record=k, where=f"item {k}")
            )
            continue
        extra = {key: v for key, v in obj.items() if key not in FIELDS}
        item = record_to_article(
            src,
            {name: obj.get(name) for name in FIELDS},
            fmt="api",
            where=f"item {k}",
            record=k,
            id_required=True,
            meta={"item": k, **({"extra": extra} if extra else {})},
        )
        if not hasattr(item, "reason"):
            positions.setdefault(item.id, k)
        items.append(item)
    return items, positions, sent_ids


def write_reports(
    service: Service, items: list, positions: dict[str, int], sent_ids: dict[int, str] | None = None
) -> tuple[dict, int]:
    """Runs in a worker thread: store, re-trace (waiting for it), summarise."""
    report = service.ingest(items)
    traced = True
    if report.added:
        gen = service.request_trace()
        try:
            traced = service.wait(gen, TRACE_WAIT)
        except TraceFailed as exc:
            raise HTTPException(500, f"the reports were stored but the re-trace failed: {exc}") from exc
    snap = service.snapshot
    accepted = list(report.added) + list(report.unchanged)
    traced = traced and all(a in snap.story_of for a in accepted)
    touched = {snap.story_of[a] for a in accepted if a in snap.story_of}
    rejected = []
    for r in report.rejected:
        if isinstance(r.record, int):
            rejected.append({"item": r.record, "id": (sent_ids or {}).get(r.record), "kind": r.kind, "reason": r.reason})
        else:  # rejected once read (over the budget, a conflict): the record is the id
            rejected.append({"item": positions.get(str(r.record)), "id": r.record, "kind": r.kind, "reason": r.reason})
    code = 422 if not accepted else 207 if rejected else 200
    return {
        "added": list(report.added),
        "unchanged": list(report.unchanged),
        "rejected": rejected,
        "traced": traced,
        "trace_version": snap.version,
        "stories": [s for s in snap.summaries if s["id"] in touched],
    }, code


def run_search(service: Service, q: str, limit: int, offset: int) -> dict:
    snap = service.snapshot
    with service.reader() as db:
        total, hits = fts_search(db, q, limit, offset)
    return {
        "query": q,
        "total": total,
        "offset": offset,
        "limit": limit,
        "hits": [
            {
                "id": h.id,
                "title": h.title,
                "published": h.published,
                "outlet": h.outlet,
                "story": snap.story_of.get(h.id),
                "snippet": h.snippet,
                "highlights": [list(m) for m in h.highlights],
                "sentence": h.sentence,
            }
            for h in hits
        ],
    }


def article_detail(service: Service, snap: Snapshot, article_id: str) -> dict | None:
    """From the store (so a report not traced yet is found too), with its place in the trace."""
    with service.reader() as db:
        row = db.execute(
            "SELECT id, text, published, outlet, url, title, sentences FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
    if row is None:
        return None
    aid, text, published, outlet, url, title, sentences = row
    spans = json.loads(sentences)
    story_id = snap.story_of.get(aid)
    story = snap.stories.get(story_id) if story_id else None
    edges = (story or {}).get("edges") or []
    role = None
    if story is not None:
        role = "origin" if story.get("origin") == aid else "derived" if any(e["derived"] == aid for e in edges) else "related"
    return {
        "id": aid,
        "published": published,
        "outlet": outlet,
        "url": url,
        "title": title,
        "text": text,
        "sentences": [{"index": k, "start": s, "end": e, "text": text[s:e]} for k, (s, e, _p) in enumerate(spans)],
        "story": story_id,
        "role": role,
        "sources": [e for e in edges if e.get("derived") == aid],
        "derivatives": [e for e in edges if e.get("source") == aid],
        "findings": [f for f in (story or {}).get("findings") or [] if f.get("derived") == aid],
    }


# ---------------------------------------------------------------------- story page
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_script_hashes: list[str] | None = None


def _executable(attrs: str) -> bool:
    m = re.search(r"\btype\s*=\s*[\"']?([^\"'\s>]+)", attrs, re.IGNORECASE)
    return m is None or m.group(1).lower() in ("text/javascript", "application/javascript", "module")


def _hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"


def _renderer_script_hashes(render_html) -> list[str]:
    """Hashes of the renderer's own inline scripts, taken from the page of an empty trace, so
    only that code may run on a story page: a script smuggled in through report text (were
    escaping ever to fail) has another hash and is blocked."""
    global _script_hashes
    if _script_hashes is None:
        empty = render_html(
            {"schema": "https://storytrace.dev/schema/trace-1.json", "articles": [], "stories": []}, title="storytrace"
        )
        _script_hashes = sorted({_hash(body) for attrs, body in _SCRIPT.findall(empty) if _executable(attrs) and body.strip()})
    return _script_hashes


_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def _head_style_hashes(page: str) -> list[str]:
    """Hashes of the style elements in the page's head, which the renderer writes from its own
    stylesheet (report text goes in the body only)."""
    m = _HEAD_END.search(page)
    return sorted({_hash(body) for body in _STYLE.findall(page[: m.start()] if m else "")})


def render_story(snap: Snapshot, story_id: str, live: dict | None = None) -> tuple[str, str]:
    """(page, Content-Security-Policy): the report renderer's page with the desk's bar, when
    the renderer is installed, else ours. Rendered once per trace, like the JSON."""
    try:
        from storytrace.report.html import render_html
    except ImportError:
        return pages.story_fallback(snap, story_id, live=live), CSP_PAGES
    cached = snap._json.get(("html", story_id))
    if cached is None:
        name = desk.story_name(snap, story_id)
        # csp=False: the renderer's own policy would block the desk's stylesheet and script; the
        # header below allows its script and style by hash, and ours from this server only
        document = render_html(snap.story_doc(story_id), title=f"{name} — {story_id}", csp=False)
        scripts = " ".join(["'self'", *_renderer_script_hashes(render_html)])
        styles = " ".join(["'self'", *_head_style_hashes(document)])
        csp = (
            f"default-src 'none'; script-src {scripts}; style-src {styles}; img-src 'self' data:; connect-src 'self'; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        )
        here = desk.story_href(story_id)
        downloads = {"json": here + "?format=json", "csv": here + "?format=csv"}
        cached = (pages.with_chrome(document, live, downloads), csp)
        snap._json[("html", story_id)] = cached
    return cached


__all__ = ["create_app", "is_loopback"]
