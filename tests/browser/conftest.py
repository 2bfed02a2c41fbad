"""The web app in real headless Chromium (Debian's chromium driven by Playwright for Python).

Fixtures: ``live_server`` (the app over the embedded database, served by uvicorn on 127.0.0.1 in a
background thread), ``documents_server`` (the same over a copy holding ingested documents, one of
them hostile), ``browser`` (one Chromium for the session), ``page`` (a fresh context per test that
records every request and fails the test when one leaves 127.0.0.1, when the page logs a console
error or throws, or when a dialog opens), ``watch`` (what ``page`` recorded), ``axe`` (an
accessibility scan) and ``transfer`` (the bytes a page's load moved).

The directory skips with the reason when Playwright cannot be imported, Chromium is missing
(``$LAZOS_CHROMIUM``, default /usr/bin/chromium) or Chromium does not start;
``sh scripts/install_system.sh browser`` (``make browser``) installs what it can.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import lazos

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = os.environ.get("LAZOS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = ("en", "es", "pt", "zh")
LOCAL_HOST = "127.0.0.1"
# Schemes a page may use without a request to any host (chart downloads use data: and blob: URLs).
LOCAL_SCHEMES = ("data", "blob", "about")


def _why_no_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can try."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"Playwright for Python cannot be imported ({exc}); pip install playwright"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium not found at {CHROMIUM} (set $LAZOS_CHROMIUM, or run `make browser` as root)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _why_no_browser()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(skip)


# ---------------------------------------------------------------------------- servers


@dataclass
class LiveServer:
    """An app served over HTTP on 127.0.0.1; ``server("/en/")`` is the full URL of a path."""

    url: str
    app: Any

    def __call__(self, path: str = "/") -> str:
        return self.url + path

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """A plain HTTP GET (no browser): status, headers (lower-case names) and body."""
        host, port = urlsplit(self.url).netloc.split(":")
        con = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            con.request("GET", path, headers=headers or {})
            response = con.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            con.close()

    def json(self, path: str) -> Any:
        import json

        status, _, body = self.get(path, {"Accept": "application/json"})
        assert status == 200, f"GET {path}: {status} {body[:300]!r}"
        return json.loads(body)


@contextmanager
def serve(db_path: Path, **options: Any) -> Iterator[LiveServer]:
    """``lazos.web.create_app(db_path, **options)`` served by uvicorn in a background thread on
    127.0.0.1 and a free port until the block ends (e.g. ``serve(db, writes=True)`` for a second
    server with writes, once create_app takes that option)."""
    import uvicorn

    from lazos.web import create_app

    app = create_app(db_path, **options)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((LOCAL_HOST, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"uvicorn-{port}")
    thread.start()
    live = LiveServer(f"http://{LOCAL_HOST}:{port}", app)
    try:
        deadline = time.monotonic() + 30
        while True:
            if not thread.is_alive():
                raise RuntimeError(f"the app's server on port {port} stopped while starting")
            if server.started:
                try:
                    live.get("/api/v1/")
                    break
                except OSError:
                    pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app's server on port {port} did not answer within 30 s")
            time.sleep(0.02)
        yield live
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        app.state.db.close()


@pytest.fixture(scope="package")
def live_server(built_db: Path) -> Iterator[LiveServer]:
    """The app over the embedded database."""
    with serve(built_db) as live:
        yield live


# A document that reads like a report and carries claims Lazos can check.
FIGURES = """China and Latin America: figures to check

China–Latin America trade reached US$485.8 billion in 2022.

Trade between China and Latin America was US$600 billion in 2022, according to a blog.

Argentina's economy grew 5% in 2023.

By the end of 2019, 25 Latin American countries had joined the Belt and Road Initiative.
"""

# A document whose text tries to run script in a page that would render it as HTML.
HOSTILE = """Hostile markup <script>alert(1)</script> in a report

<script>alert(1)</script> China–Latin America trade reached US$485.8 billion in 2022.

<img src=x onerror=alert(2)> Argentina's economy grew 5% in 2023.

<a href="javascript:alert(3)">click me</a> and javascript:alert(4) as a bare link.

<svg onload=alert(5)></svg><iframe src="javascript:alert(6)"></iframe>
"""


@pytest.fixture(scope="package")
def documents_db(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the embedded database with two documents ingested: figures.txt and hostile.txt."""
    folder = tmp_path_factory.mktemp("browser-documents")
    path = folder / "lazos.duckdb"
    shutil.copyfile(built_db, path)
    for name, text in (("figures.txt", FIGURES), ("hostile.txt", HOSTILE)):
        (folder / name).write_text(text, "utf-8")
    report = lazos.ingest([str(folder / "figures.txt"), str(folder / "hostile.txt")], db=path)
    assert len(report.read) == 2 and not report.refused, report
    return path


@pytest.fixture(scope="package")
def documents_server(documents_db: Path) -> Iterator[LiveServer]:
    """The app over the copy holding the ingested documents."""
    with serve(documents_db) as live:
        yield live


@pytest.fixture(scope="package")
def documents(documents_server: LiveServer) -> dict[str, str]:
    """Document name -> id on the documents server."""
    return {row["name"]: row["doc_id"] for row in documents_server.json("/api/v1/documents")["rows"]}


# ---------------------------------------------------------------------------- browser and pages


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (skips the tests with the error when it cannot start)."""
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    try:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:  # any launch failure means "cannot run here"
        driver.stop()
        pytest.skip(f"Chromium at {CHROMIUM} failed to launch: {str(exc).strip()[:800]}")
    yield chromium
    chromium.close()
    driver.stop()


@dataclass
class Watch:
    """What a test's browser context did: every request URL, requests to other hosts (blocked),
    console errors, uncaught page errors, dialogs and every response."""

    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    responses: list[Any] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow_console(self, pattern: str) -> None:
        """Console errors matching ``pattern`` (a regex) are expected (e.g. a 404 page's own status)."""
        self.allowed.append(re.compile(pattern))

    def problems(self) -> list[str]:
        found = [f"request left {LOCAL_HOST}: {url}" for url in self.outside]
        found += [
            f"console error: {text}" for text in self.console_errors if not any(p.search(text) for p in self.allowed)
        ]
        found += [f"page error: {text}" for text in self.page_errors]
        found += [f"dialog opened: {text}" for text in self.dialogs]
        return found

    def clear(self) -> None:
        """Forget what was recorded so far (a test measuring one load starts from here)."""
        for name in ("requests", "outside", "console_errors", "page_errors", "dialogs", "responses"):
            getattr(self, name).clear()


@pytest.fixture()
def watch() -> Watch:
    return Watch()


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == LOCAL_HOST


def open_context(browser: Any, watch: Watch, **options: Any) -> Any:
    """A new browser context whose requests, console and errors ``watch`` records; requests to
    any host but 127.0.0.1 are recorded and blocked."""
    context = browser.new_context(
        viewport=options.pop("viewport", {"width": 1280, "height": 900}), accept_downloads=True, **options
    )

    def route(route: Any) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            watch.outside.append(url)
            route.abort("blockedbyclient")

    def on_console(message: Any) -> None:
        if message.type == "error":
            where = message.location or {}
            watch.console_errors.append(f"{message.text} ({where.get('url', '')}:{where.get('lineNumber', '')})")

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_page(page: Any) -> None:
        page.on("pageerror", lambda error: watch.page_errors.append(f"{page.url}: {error}"))
        page.on("dialog", on_dialog)

    context.route("**/*", route)
    context.on("request", lambda request: watch.requests.append(request.url))
    context.on("response", lambda response: watch.responses.append(response))
    context.on("console", on_console)
    context.on("page", on_page)
    return context


@pytest.fixture()
def page(browser: Any, watch: Watch) -> Iterator[Any]:
    """A page in a fresh context (1280x900, downloads accepted); the test fails when a request
    left 127.0.0.1, the console logged an error, the page threw or a dialog opened."""
    context = open_context(browser, watch)
    page = context.new_page()
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a passing test whose page did what no page may (see Watch.problems)."""
    result = yield
    watch = getattr(item, "funcargs", {}).get("watch")
    if isinstance(watch, Watch) and (problems := watch.problems()):
        raise AssertionError("the page misbehaved:\n  " + "\n  ".join(problems))
    return result


# ---------------------------------------------------------------------------- pages


@pytest.fixture(scope="package")
def project_id(live_server) -> str:
    """The id of the first project in the explorer's table (read from its HTML)."""
    status, _, body = live_server.get("/en/projects")
    assert status == 200, f"/en/projects answered {status}"
    found = re.search(r'<tbody.*?href="/en/projects/([^"?#/]+)"', body.decode("utf-8"), re.S)
    assert found, "no project link in the explorer's table (/en/projects)"
    return found.group(1)


def html_lang_matches(value: str | None, lang: str) -> bool:
    return value is not None and (value == lang or value.startswith(lang + "-"))


def open_page(page: Any, url: str, lang: str) -> None:
    """Load ``url`` and check what every page must have."""
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: status {response and response.status}"
    assert response.headers.get("content-type", "").startswith("text/html")
    lang_attr = page.get_attribute("html", "lang")
    assert html_lang_matches(lang_attr, lang), f"{url}: <html lang={lang_attr!r}>, expected {lang}"
    assert page.locator("h1").count() == 1, f"{url}: {page.locator('h1').count()} h1 elements"
    assert page.title().strip(), f"{url}: empty <title>"
    settle(page)
    failed = page.locator("figure.chart-failed")
    assert failed.count() == 0, f"{url}: charts not drawn: {failed.evaluate_all('fs => fs.map(f => f.id)')}"


CHARTS_DRAWN = """() => [...document.querySelectorAll('figure .vega')].every(
  holder => holder.querySelector('svg, canvas') || holder.closest('figure').classList.contains('chart-failed'))"""


def settle(page: Any, timeout: float = 15_000) -> None:
    """Wait until the page has loaded and its charts are drawn (or have failed, which logs), a
    quicker end than "networkidle" (half a second of quiet on every page)."""
    page.wait_for_load_state("load")
    page.wait_for_function(CHARTS_DRAWN, timeout=timeout)


# ---------------------------------------------------------------------------- measures


@dataclass
class Transfer:
    """Bytes a load moved: response bodies as decoded (``body``) and as sent (``encoded``, from
    the browser's own accounting, else Content-Length, else the body)."""

    responses: int
    body: int
    encoded: int
    largest: list[tuple[int, str]]

    def __str__(self) -> str:
        top = ", ".join(f"{urlsplit(url).path} {size / 1024:.0f} KB" for size, url in self.largest)
        return (
            f"{self.responses} responses, {self.encoded / 1024:.0f} KB transferred "
            f"({self.body / 1024:.0f} KB decoded); largest: {top}"
        )


def measure(responses: list[Any]) -> Transfer:
    body = encoded = 0
    sizes: list[tuple[int, str]] = []
    for response in responses:
        try:
            decoded = len(response.body())
        except Exception:  # redirects and aborted loads have no body
            decoded = 0
        sent = 0
        try:
            sent = int(response.request.sizes().get("responseBodySize") or 0)
        except Exception:
            sent = 0
        if sent <= 0:
            length = response.headers.get("content-length")
            sent = int(length) if length and length.isdigit() else decoded
        body += decoded
        encoded += sent
        sizes.append((sent, response.url))
    return Transfer(len(responses), body, encoded, sorted(sizes, reverse=True)[:5])


@pytest.fixture()
def transfer(watch: Watch) -> Callable[[], Transfer]:
    """``transfer()``: the bytes moved by the responses the page fixture saw so far."""
    return lambda: measure(list(watch.responses))


# ---------------------------------------------------------------------------- accessibility

AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                                           summary: (n.failureSummary || "").slice(0, 300)})),
      count: v.nodes.length,
    }));
}"""


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['count']} elements)")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}: {node['html']}")
            if node["summary"]:
                lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)


def make_scan() -> Callable[[Any], list[dict[str, Any]]]:
    """A function of a page: axe-core's serious and critical violations on it as it is now."""
    source = AXE.read_text("utf-8")

    def scan(page: Any) -> list[dict[str, Any]]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, so a strict Content-Security-Policy does not block it.
            page.evaluate(f"() => {{ {source}\n; return true; }}")
        return page.evaluate(AXE_RUN)

    return scan


@pytest.fixture(scope="package")
def axe() -> Callable[[Any], list[dict[str, Any]]]:
    """``axe(page)``: axe-core's serious and critical violations on the page (skips when
    node_modules/axe-core is missing: `npm ci`)."""
    if not AXE.exists():
        pytest.skip(f"axe-core not installed ({AXE} missing; run `npm ci` or `sh scripts/install_system.sh browser`)")
    return make_scan()
