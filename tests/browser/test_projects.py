"""The projects explorer in Chromium: a filter submitted from the form lands in the URL (the
permalink) and narrows the table to the REST API's rows for the same filter; the back button
brings the unfiltered table back; the table's CSV download holds the API's rows."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

# (field, value typed or chosen, the same filter in the REST API's terms)
FILTERS = [
    ("country", "ARG", {"country": "ARG"}),
    ("sector", "energy", {"sector": "energy"}),
    ("q", "railway", {"q": "railway"}),
]


def api_ids(server, query: dict[str, str]) -> list[str]:
    """Every project id the REST API lists for ``query``, following its pages."""
    ids: list[str] = []
    path = "/api/v1/projects?" + urlencode({**query, "limit": 500})
    while path:
        body = server.json(path)
        ids += [row["project_id"] for row in body["rows"]]
        path = body.get("next")
        if path and path.startswith("http"):
            path = urlsplit(path)._replace(scheme="", netloc="").geturl()
    return ids


def table_ids(page) -> list[str]:
    """The project ids the explorer's table links to, in its order."""
    hrefs = page.eval_on_selector_all(
        "main table tbody tr a[href*='/projects/']", "links => links.map(a => a.getAttribute('href'))"
    )
    ids = []
    for href in hrefs:
        pid = urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1]
        if pid not in ids:
            ids.append(pid)
    return ids


def set_field(page, name: str, value: str) -> None:
    """Choose or type ``value`` in the explorer form's field ``name`` and submit the form."""
    field = page.locator(f"main form [name={name}]").first
    assert field.count() == 1, f"the explorer's form has no field {name!r}"
    form = page.locator(f"main form:has([name={name}])").first
    autosubmit = form.get_attribute("data-autosubmit") is not None
    tag = field.evaluate("e => e.tagName")
    with page.expect_navigation():
        if tag == "SELECT":
            values = field.locator("option").evaluate_all("os => os.map(o => o.value)")
            if value in values:
                field.select_option(value=value)
            else:
                field.select_option(label=value)
            if not autosubmit:
                form.locator("[type=submit]").first.click()
        else:
            field.fill(value)
            field.press("Enter")


@pytest.mark.parametrize(("name", "value", "query"), FILTERS, ids=[f[0] for f in FILTERS])
def test_a_filter_lands_in_the_url_and_narrows_the_table(page, live_server, name, value, query):
    page.goto(live_server("/en/projects"))
    unfiltered = table_ids(page)
    assert unfiltered, "the explorer's table is empty"
    set_field(page, name, value)
    params = parse_qs(urlsplit(page.url).query)
    assert params.get(name) == [value], f"the URL does not carry the filter: {page.url}"
    shown = table_ids(page)
    expected = api_ids(live_server, query)
    assert shown, f"no row for {name}={value} (the API has {len(expected)})"
    assert set(shown) <= set(expected), f"rows outside the filter: {sorted(set(shown) - set(expected))[:5]}"
    assert len(shown) == min(len(expected), len(unfiltered)), f"{len(shown)} rows; the API has {len(expected)}"
    # Back: the unfiltered table; the permalink, opened afresh, shows the filtered one again.
    permalink = page.url
    page.go_back()
    assert name not in parse_qs(urlsplit(page.url).query), page.url
    assert table_ids(page) == unfiltered
    page.goto(permalink)
    assert table_ids(page) == shown


def read_csv(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig")
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("".join(lines))))


@pytest.mark.parametrize("query", ["", "country=ARG", "sector=energy&sort=-amount_usd"])
def test_the_tables_csv_download_holds_the_apis_rows(page, live_server, query, tmp_path):
    page.goto(live_server("/en/projects" + (f"?{query}" if query else "")))
    link = page.locator("main a[data-download=csv]").first
    assert link.count() == 1, "the explorer has no CSV download"
    href = link.get_attribute("href")
    for key, values in parse_qs(query).items():
        assert parse_qs(urlsplit(href).query).get(key) == values, f"the CSV link {href} lost {key}"
    with page.expect_download() as info:
        link.click()
    path = tmp_path / "download.csv"
    info.value.save_as(path)
    downloaded = read_csv(path.read_bytes())
    status, _, body = live_server.get("/api/v1/projects.csv" + (f"?{query}" if query else ""))
    assert status == 200
    expected = read_csv(body)
    assert [r["project_id"] for r in downloaded] == [r["project_id"] for r in expected]
    common = [c for c in expected[0] if c in downloaded[0]] if expected else []
    assert "project_id" in common and "amount_usd" in common, f"columns: {list(downloaded[0])}"
    for got, want in zip(downloaded, expected, strict=True):
        assert {c: got[c] for c in common} == {c: want[c] for c in common}


def test_a_project_page_opens_from_the_explorer(page, live_server):
    page.goto(live_server("/en/projects?country=ARG"))
    first = page.locator("main table tbody tr a[href*='/projects/']").first
    href = first.get_attribute("href")
    with page.expect_navigation():
        first.click()
    assert urlsplit(page.url).path == urlsplit(href).path
    assert page.locator("h1").count() == 1
