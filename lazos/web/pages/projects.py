"""The projects explorer (/{lang}/projects) and one project's page (/{lang}/projects/{id}).

The explorer is a GET form over the filters of :meth:`lazos.api.Lazos.projects` (the same
names as the REST API's, so its permalink, its CSV link /api/v1/projects.csv and its map all
read the same query); a field left empty is no filter, and the page leads to the URL without
it. A project page shows every field of :class:`lazos.results.ProjectDetail` with its sources.
"""

from __future__ import annotations

import difflib
import gzip
import math
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BeforeValidator, Field

from lazos.api import Lazos
from lazos.dates import parse_as_of
from lazos.errors import LazosError
from lazos.filters import usd_amount
from lazos.results import Table
from lazos.store.cache import LRUCache
from lazos.store.reader import choose
from lazos.web.errors import suggestions
from lazos.web.pages import maps
from lazos.web.pages.data import data_url, dataset
from lazos.web.pages.i18n import Formatter, translations
from lazos.web.pages.render import N_, db_of, formatter, gettext_for, query_string, render
from lazos.web.pages.routing import check_lang, page
from lazos.web.params import DATE_PATTERN

PAGE_SIZE = 50

SECTORS = {
    "agriculture": N_("Agriculture"),
    "digital": N_("Digital"),
    "energy": N_("Energy"),
    "environment": N_("Environment"),
    "finance": N_("Finance"),
    "government": N_("Government"),
    "industry": N_("Industry"),
    "mining": N_("Mining"),
    "other": N_("Other"),
    "social": N_("Social"),
    "transport": N_("Transport"),
    "water": N_("Water"),
}
STATUSES = {
    "planned": N_("Planned"),
    "in_progress": N_("In progress"),
    "under_construction": N_("Under construction"),
    "operational": N_("Operational"),
    "completed": N_("Completed"),
    "suspended": N_("Suspended"),
    "cancelled": N_("Cancelled"),
}
SORTS = (  # (value of sort, label): the orders the explorer offers ("" is the API's own order)
    ("", N_("Country, then first milestone")),
    ("-amount_usd", N_("Largest amount first")),
    ("amount_usd", N_("Smallest amount first")),
    ("-first_date", N_("Newest first")),
    ("first_date", N_("Oldest first")),
    ("name", N_("Name, A to Z")),
    ("-name", N_("Name, Z to A")),
)
MILESTONES = {
    "announced": N_("Announced"),
    "agreement_signed": N_("Agreement signed"),
    "committed": N_("Committed"),
    "implementation_started": N_("Implementation started"),
    "construction_started": N_("Construction started"),
    "operational": N_("Operational"),
    "completed": N_("Completed"),
    "suspended": N_("Suspended"),
    "resumed": N_("Resumed"),
    "cancelled": N_("Cancelled"),
}
AMOUNT_KINDS = {
    "commitment": N_("Commitment"),
    "adjusted_commitment": N_("Adjusted commitment"),
    "total_cost": N_("Total cost"),
    "contract_value": N_("Contract value"),
    "investment": N_("Investment"),
    "loan": N_("Loan"),
    "acquisition": N_("Acquisition"),
    "financing": N_("Financing"),
    "grant": N_("Grant"),
}
LEVELS = {
    "project": N_("Project site"),
    "feature": N_("Mapped feature"),
    "ADM2": N_("District"),
    "ADM1": N_("Province"),
}
PRECISION = {"project": 0, "feature": 1, "ADM2": 2, "ADM1": 3}  # the most precise places a project has are drawn


def _blank(value: Any) -> Any:
    """A form's empty field is no filter."""
    return None if isinstance(value, str) and not value.strip() else value


# Query parameters as the GET form sends them: an empty field is None; a malformed value is a
# 422 page naming the parameter (FastAPI's validation, lazos.web.errors).
Text = Annotated[Annotated[str, Field(max_length=100)] | None, BeforeValidator(_blank), Query()]
Words = Annotated[Annotated[str, Field(max_length=200)] | None, BeforeValidator(_blank), Query()]
YearParam = Annotated[Annotated[int, Field(ge=1000, le=9999)] | None, BeforeValidator(_blank), Query()]
AmountParam = Annotated[Annotated[float, Field(allow_inf_nan=False)] | None, BeforeValidator(_blank), Query()]
DateParam = Annotated[Annotated[str, Field(pattern=DATE_PATTERN)] | None, BeforeValidator(_blank), Query()]
PageParam = Annotated[Annotated[int, Field(ge=1, le=100_000)] | None, BeforeValidator(_blank), Query()]
FILTERS = ("as_of", "country", "sector", "status", "year_from", "year_to", "amount_min", "amount_max", "q", "sort")


# ---------------------------------------------------------------------------- shared with the country page


def page_cache(request: Request) -> LRUCache:
    """The app's cache of rendered pages and briefs (least recently used first out; 512 entries
    or 256 MB at most), made on first use."""
    state = request.app.state
    if getattr(state, "page_cache", None) is None:
        state.page_cache = LRUCache(size=512, max_bytes=256 << 20)
    return state.page_cache


def cached_page(
    request: Request, lang: str, template: str, key: tuple[Any, ...], compute: Callable[[], dict[str, Any]]
) -> Response:
    """A page rendered once per database version and kept in the app's page cache (least
    recently used first out; 512 pages or 256 MB at most), under ``key`` (what its values
    depend on) and the request's query (the permalinks and language links the page holds).
    ``compute()`` gives the template's values, or ``{"redirect": url, "status": code}``. The
    page is kept gzipped too, and answered so to a client that takes gzip (the app's gzip
    middleware passes an encoded answer on as it is): compressing a 200 KB page costs more
    than rendering it."""
    cache = page_cache(request)

    def build() -> tuple[bytes, bytes] | dict[str, Any]:
        values = compute()
        if "redirect" in values:
            return values
        body = bytes(render(request, lang, template, **values).body)
        return body, gzip.compress(body, compresslevel=6, mtime=0)

    db = db_of(request)
    found = cache.get_or_compute((str(db.path), db.version, template, *key, request.url.query), build)
    if isinstance(found, dict):
        return RedirectResponse(found["redirect"], status_code=found["status"])
    body, zipped = found
    if "gzip" in request.headers.get("accept-encoding", ""):
        return HTMLResponse(zipped, headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
    return HTMLResponse(body, headers={"Vary": "Accept-Encoding"})


def clean_redirect(request: Request) -> RedirectResponse | None:
    """A GET form sends its empty fields (``?country=&sector=energy``): lead to the same page
    without them, so that the address (the permalink) holds only the filters given."""
    given = request.query_params
    if all(v.strip() for v in given.values()):
        return None
    clean = [(k, v) for k, v in given.multi_items() if v.strip()]
    return RedirectResponse(request.url.path + (f"?{urlencode(clean)}" if clean else ""), status_code=303)


def code_label(_: Any, labels: dict[str, str], code: Any) -> str:
    """A code's label in the language (a code with none is shown as it is)."""
    return _(labels[code]) if code in labels else (code or "")


def sector_label(_: Any, sector: Any) -> str:
    return code_label(_, SECTORS, sector)


def status_label(_: Any, status: Any) -> str:
    return code_label(_, STATUSES, status)


def project_points(db: Lazos, projects: pd.DataFrame, as_of: Any = None) -> Table:
    """Where the projects in ``projects`` are, one row a point: a project's own point when it
    has one, else its places at the most precise level its sources give (mapped features, then
    districts, then provinces). Projects with no place have no row."""
    columns = ["project_id", "name", "country", "level", "place", "lat", "lon", "source_id"]
    own = projects[projects["lat"].notna() & projects["lon"].notna()]
    rows = pd.DataFrame(
        {
            "project_id": own["project_id"],
            "name": own["name"],
            "country": own["countries"],
            "level": "project",
            "place": own["location_note"],
            "lat": own["lat"].astype(float),
            "lon": own["lon"].astype(float),
            "source_id": own["source_id"],
        },
        columns=columns,
    )
    places = db.project_locations().frame
    rest = projects[~projects["project_id"].isin(own["project_id"])]
    places = places[places["project_id"].isin(rest["project_id"]) & places["lat"].notna() & places["lon"].notna()]
    if not places.empty:
        rank = places["level"].map(PRECISION).fillna(len(PRECISION))
        best = rank.groupby(places["project_id"]).transform("min")
        places = places[rank == best].merge(rest[["project_id", "name", "countries"]], on="project_id")
        located = pd.DataFrame(
            {
                "project_id": places["project_id"],
                "name": places["name_y"],
                "country": places["country"].fillna(places["countries"]),
                "level": places["level"],
                "place": places["name_x"],
                "lat": places["lat"].astype(float),
                "lon": places["lon"].astype(float),
                "source_id": places["source_id"],
            },
            columns=columns,
        )
        rows = pd.concat([rows, located], ignore_index=True) if not rows.empty else located
    rows = rows.reset_index(drop=True)
    return Table(
        name="project locations",
        frame=rows,
        as_of=parse_as_of(as_of),
        sources=db.source_refs(rows["source_id"]),
        note="One row a point: a project's own point, else its places at the most precise level its sources give.",
    )


def map_points(points: Table, lang: str, _: Any) -> list[dict[str, Any]]:
    """The points as the map draws them: where, what (the label a pointer or screen reader
    gets) and the project page they link to."""
    out = []
    for row in points.rows:
        place = row["place"] if row["level"] != "project" else None
        label = f"{row['name']} ({place})" if place else row["name"]
        out.append(
            {
                "lat": row["lat"],
                "lon": row["lon"],
                "label": label,
                "href": f"/{lang}/projects/{row['project_id']}",
                "kind": row["level"],
                "kind_label": code_label(_, LEVELS, row["level"]),
                "place": row["place"],
                "project_id": row["project_id"],
            }
        )
    return out


def markers(points: list[dict[str, Any]], _: Any) -> list[tuple[float, float, str, str | None]]:
    """The points as the map draws them, (longitude, latitude, label, link): points at the same
    place are one marker naming its projects (linked to the project's page when it is one)."""
    places: dict[tuple[float, float], list[dict[str, Any]]] = {}
    for point in points:
        places.setdefault((round(point["lon"], 5), round(point["lat"], 5)), []).append(point)
    out = []
    for (lon, lat), here in places.items():
        projects = list(dict.fromkeys(p["project_id"] for p in here))
        if len(projects) == 1:
            out.append((lon, lat, here[0]["label"], here[0]["href"]))
            continue
        names = list(dict.fromkeys(p["label"] for p in here))
        shown = "; ".join(names[:5]) + (" …" if len(names) > 5 else "")
        out.append((lon, lat, _("%(num)s projects: %(names)s") % {"num": len(projects), "names": shown}, None))
    return out


def points_figure(
    iso3: str | None, points: list[dict[str, Any]], lang: str, fmt: Formatter, _: Any, map_id: str = "projects-map"
) -> maps.MapFigure | None:
    """One country's map with the points (lazos.web.pages.maps), when the country is one the
    maps draw (the CELAC states)."""
    if not iso3 or iso3 not in maps.states():
        return None
    name = fmt.country(iso3)
    located = len({p["project_id"] for p in points})
    drawn = markers(points, _)
    return maps.points_map(
        iso3,
        drawn,
        lang=lang,
        names=fmt.country_names,
        title=_("Where projects in %(country)s are") % {"country": name},
        description=_(
            "Map of %(country)s and its neighbours with %(points)s markers at the places of %(projects)s projects; "
            "a marker of one project links to its page."
        )
        % {"country": name, "points": fmt.integer(len(drawn)), "projects": fmt.integer(located)},
        map_id=map_id,
    )


def countries_figure(frame: pd.DataFrame, filters: dict[str, Any], lang: str, fmt: Formatter) -> maps.MapFigure:
    """The CELAC states coloured by how many of the filtered projects each has; each links to the
    explorer with the same filters and that country."""
    _, ngettext = translations(lang).gettext, translations(lang).ngettext
    counts = by_country(frame).set_index("country")["projects"]
    values = {iso: int(counts[iso]) if iso in counts.index else None for iso in maps.states()}
    given = [v for v in values.values() if v]
    scale = maps.sequential(given, lambda low, high: f"{fmt.integer(low)}–{fmt.integer(high)}", classes=4)
    query = {k: v for k, v in filters.items() if v is not None}
    most = max(values, key=lambda iso: values[iso] or 0)
    description = _(
        "Map of the 33 CELAC states coloured by how many of the %(total)s matching projects each has; "
        "%(states)s states have at least one, the most %(country)s with %(count)s."
    ) % {
        "total": fmt.integer(len(frame)),
        "states": fmt.integer(len(given)),
        "country": fmt.country(most),
        "count": fmt.integer(values[most] or 0),
    }
    return maps.choropleth(
        values,
        scale,
        lang=lang,
        names=fmt.country_names,
        text=lambda n: ngettext("%(num)s project", "%(num)s projects", n) % {"num": fmt.integer(n)},
        no_data=_("no matching project"),
        title=_("Matching projects by country"),
        description=description,
        inset_label=_("Caribbean and Central America (enlarged)"),
        map_id="projects-by-country",
        href=lambda iso: f"/{lang}/projects?" + query_string({**query, "country": iso}),
        key_title=_("Projects"),
    )


# ---------------------------------------------------------------------------- the explorer


def _filters(
    db: Lazos,
    as_of: str | None,
    country: str | None,
    sector: str | None,
    status: str | None,
    year_from: int | None,
    year_to: int | None,
    amount_min: float | None,
    amount_max: float | None,
    q: str | None,
    sort: str | None,
) -> dict[str, Any]:
    """The filters as the API takes them (a country named, not coded, becomes its ISO3 code)."""
    return {
        "as_of": as_of,
        "country": db.resolve_country(country) if country else None,
        "sector": sector,
        "status": status,
        "year_from": year_from,
        "year_to": year_to,
        "amount_min": amount_min,
        "amount_max": amount_max,
        "q": q,
        "sort": sort,
    }


def _number(value: str | None, kind: type) -> Any:
    if value is None or value == "":
        return None
    number = kind(value)
    if isinstance(number, float) and not math.isfinite(number):
        raise LazosError(f"{value!r} is not a finite number")
    return number


def filters_from(db: Lazos, params: dict[str, str]) -> dict[str, Any]:
    """The explorer's filters from a download's query (the same names as the page's)."""
    try:
        return _filters(
            db,
            params.get("as_of") or None,
            params.get("country") or None,
            params.get("sector") or None,
            params.get("status") or None,
            _number(params.get("year_from"), int),
            _number(params.get("year_to"), int),
            _number(params.get("amount_min"), float),
            _number(params.get("amount_max"), float),
            params.get("q") or None,
            params.get("sort") or None,
        )
    except ValueError as exc:
        raise LazosError(f"invalid filter in {query_string(params)!r}: {exc}") from None


@dataset("project-points")
def points_dataset(db: Lazos, params: dict[str, str]) -> Table:
    """The points of the projects the explorer's filters select (its map's data)."""
    filters = filters_from(db, params)
    return project_points(db, db.projects(**filters).frame, filters["as_of"])


@dataset("project-countries")
def countries_dataset(db: Lazos, params: dict[str, str]) -> Table:
    """How many of the projects the explorer's filters select each country has, and their
    amount in US dollars (the explorer's map across countries)."""
    filters = filters_from(db, params)
    table = db.projects(**filters)
    return Table(
        name="projects by country",
        frame=by_country(table.frame),
        as_of=table.as_of,
        sources=table.sources,
        note="projects: how many of the filtered projects each country has; amount_usd: the sum of their "
        "headline amounts in US dollars (projects with none not summed: projects_with_amount).",
    )


def by_country(frame: pd.DataFrame) -> pd.DataFrame:
    """Projects per country (a project in several countries counts in each)."""
    rows = frame.assign(country=frame["countries"].str.split(",")).explode("country")
    rows = rows[rows["country"].notna() & (rows["country"] != "")]
    out = (
        rows.groupby("country")
        .agg(
            projects=("project_id", "count"),
            projects_with_amount=("amount_usd", "count"),
            amount_usd=("amount_usd", "sum"),
        )
        .reset_index()
        .sort_values(["projects", "country"], ascending=[False, True])
    )
    return out.reset_index(drop=True)


def _options(db: Lazos) -> dict[str, list[str]]:
    """The countries, sectors and statuses projects have (the explorer's choices)."""

    def compute() -> dict[str, list[str]]:
        frame = db.projects().frame
        return {
            "countries": sorted({c for c in frame["countries"].dropna() for c in str(c).split(",") if c}),
            "sectors": sorted(frame["sector"].dropna().unique().tolist()),
            "statuses": sorted(frame["status"].dropna().unique().tolist()),
        }

    return db.cached("pages.projects.options", (), compute)


@page("/projects")
def projects_page(
    request: Request,
    lang: str,
    as_of: DateParam = None,
    country: Text = None,
    sector: Text = None,
    status: Text = None,
    year_from: YearParam = None,
    year_to: YearParam = None,
    amount_min: AmountParam = None,
    amount_max: AmountParam = None,
    q: Words = None,
    sort: Text = None,
    page: PageParam = None,
    min_amount: AmountParam = None,
    max_amount: AmountParam = None,
) -> Response:
    """Projects filtered and sorted, a page of them in a table, their points on a map.
    ``min_amount`` and ``max_amount`` are other names of ``amount_min`` and ``amount_max``."""
    check_lang(lang)
    redirect = clean_redirect(request)
    if redirect:
        return redirect
    if min_amount is not None or max_amount is not None:  # the API's names make the permalink
        renamed = {"min_amount": "amount_min", "max_amount": "amount_max"}
        items = [(renamed.get(k, k), v) for k, v in request.query_params.multi_items()]
        return RedirectResponse(f"{request.url.path}?{urlencode(items)}", status_code=301)
    db = db_of(request)
    fmt = formatter(request, lang)
    filters = _filters(db, as_of, country, sector, status, year_from, year_to, amount_min, amount_max, q, sort)
    number = page or 1
    key = ("projects", tuple(filters.items()), number, lang)
    return cached_page(request, lang, "projects.html", key, lambda: _explorer_values(db, filters, number, lang, fmt))


def _explorer_values(db: Lazos, filters: dict[str, Any], number: int, lang: str, fmt: Formatter) -> dict[str, Any]:
    """What the explorer shows for ``filters`` and page ``number``, in ``lang``."""
    _ = gettext_for(lang)
    as_of, sort = filters["as_of"], filters["sort"]
    table = db.projects(**filters)
    frame = table.frame
    total = len(frame)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    shown = table.with_frame(frame.iloc[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    query = {k: v for k, v in filters.items() if v is not None}
    points = project_points(db, frame, as_of)
    located = points.frame["project_id"].nunique()
    options = _options(db)
    countries = sorted(options["countries"], key=lambda iso: fmt.country(iso).casefold())
    sorts = [(value, _(label)) for value, label in SORTS]
    if sort and sort not in dict(SORTS):  # another column the API sorts by: kept, named as given
        sorts.append((sort, sort))
    title = _("Projects")
    if filters["country"]:
        title = _("Projects in %(country)s") % {"country": fmt.country(filters["country"])}
    return dict(
        title=title,
        filters=filters,
        query=query,
        rows=shown.rows,
        table=shown,
        total=total,
        page=number,
        pages=pages,
        page_size=PAGE_SIZE,
        first_row=(number - 1) * PAGE_SIZE + 1,
        countries=countries,
        sectors=options["sectors"],
        statuses=options["statuses"],
        sorts=sorts,
        sector_label=lambda s: sector_label(_, s),
        status_label=lambda s: status_label(_, s),
        csv_url="/api/v1/projects.csv" + (f"?{query_string(query)}" if query else ""),
        json_url="/api/v1/projects" + (f"?{query_string(query)}" if query else ""),
        points_csv=data_url(lang, "project-points", query),
        points_zip=data_url(lang, "project-points", {**query, "from": f"/{lang}/projects"}, "zip"),
        countries_csv=data_url(lang, "project-countries", query),
        countries_zip=data_url(lang, "project-countries", {**query, "from": f"/{lang}/projects"}, "zip"),
        located=located,
        unlocated=total - located,
        point_count=len(points.frame),
        project_map=_explorer_map(frame, filters, points, lang, fmt, _),
    )


def _explorer_map(
    frame: pd.DataFrame, filters: dict[str, Any], points: Table, lang: str, fmt: Formatter, _: Any
) -> maps.MapFigure | None:
    """The filtered projects' points on their country's map when they are in one country, else
    the states coloured by how many of them each has."""
    countries = set(frame["countries"].dropna())
    one = filters["country"] or (countries.pop() if len(countries) == 1 else None)
    if one and one in maps.states():
        return points_figure(one, map_points(points, lang, _), lang, fmt, _)
    if frame.empty:
        return None
    return countries_figure(frame, filters, lang, fmt)


# ---------------------------------------------------------------------------- one project


def _unknown(db: Lazos, value: str, as_of: str | None) -> LazosError:
    """The error for a project id that names none: the closest project ids (by id, and the ids
    of the closest names), so that the 404 page's suggestions link to project pages."""
    frame = db.projects(as_of=as_of).frame
    found: list[str] = []
    by_name = dict(zip(frame["name"], frame["project_id"], strict=True))
    for known, to_id in ((frame["project_id"], None), (frame["name"], by_name)):
        try:
            close = [choose(value, list(known), "project")]  # the same but for case
        except LazosError as exc:
            close = suggestions(str(exc)) or []
        found += [to_id.get(c, c) if to_id else c for c in close]
    found = list(dict.fromkeys(found))[:5]
    if not found:
        return nothing_close("project", value, nearest(value, list(frame["project_id"])))
    return LazosError(f"unknown project {value!r} (did you mean {', '.join(repr(f) for f in found)}?)")


def nearest(value: str, known: list[str], n: int = 3) -> list[str]:
    """The ``n`` known values least unlike ``value`` (case ignored), however far they are."""
    folded = {k.casefold(): k for k in known}
    return [folded[k] for k in difflib.get_close_matches(value.casefold(), list(folded), n=n, cutoff=0)]


def nothing_close(what: str, value: str, near: list[str]) -> LazosError:
    """An unknown id that nothing is close to: the error still offers the nearest ones, so that
    the 404 page has somewhere to lead."""
    offered = ", ".join(repr(v) for v in near)
    hint = f" (did you mean one of the nearest, {offered}?)" if near else ""
    return LazosError(f"unknown {what} {value!r}: nothing is close to it{hint}")


@page("/projects/{project_id}")
def project_page(
    request: Request,
    lang: str,
    project_id: Annotated[str, Path(max_length=300)],
    as_of: DateParam = None,
) -> Response:
    """Every field of one project, its milestones, amounts, external ids, places and sources."""
    check_lang(lang)
    db = db_of(request)
    fmt = formatter(request, lang)
    key = ("project", project_id, as_of, lang)
    return cached_page(request, lang, "project.html", key, lambda: _project_values(db, project_id, as_of, lang, fmt))


def _project_values(db: Lazos, project_id: str, as_of: str | None, lang: str, fmt: Formatter) -> dict[str, Any]:
    """What the page of the project ``project_id`` names shows in ``lang`` (or where to go: a
    name leads to the id's address, words matching several projects to the explorer's search)."""
    _ = gettext_for(lang)
    try:
        detail = db.project(project_id, as_of=as_of)
    except LazosError as exc:
        message = str(exc)
        if message.startswith("ambiguous project"):  # a few words matching several: the explorer's search
            return {"redirect": f"/{lang}/projects?" + query_string({"q": project_id, "as_of": as_of}), "status": 303}
        if message.startswith("unknown project"):
            raise _unknown(db, project_id, as_of) from exc
        raise
    frame = pd.DataFrame([detail.project])
    frame["amount_usd"] = usd_amount(frame)  # as the explorer lists it
    row = Table("project", frame).rows[0]  # JSON-ready: ISO dates, None for unknown
    pid = row["project_id"]
    if pid != project_id:  # a name: the canonical address is the id's
        target = f"/{lang}/projects/{pid}" + (f"?{query_string({'as_of': as_of})}" if as_of else "")
        return {"redirect": target, "status": 301}
    points = project_points(db, frame, as_of)
    geojson = db.project_geojson(pid, as_of=as_of)
    shapes = [f for f in geojson["features"] if f["properties"].get("kind") == "shape"]
    map_rows = map_points(points, lang, _)
    for place in detail.locations.rows:  # every place, not only the most precise ones
        if (
            place["lat"] is None
            or place["lon"] is None
            or any(
                p["kind"] == place["level"] and p["lat"] == place["lat"] and p["lon"] == place["lon"] for p in map_rows
            )
        ):
            continue
        map_rows.append(
            {
                "lat": place["lat"],
                "lon": place["lon"],
                "label": f"{row['name']} ({place['name'] or code_label(_, LEVELS, place['level'])})",
                "href": f"/{lang}/projects/{pid}",
                "kind": place["level"],
                "kind_label": code_label(_, LEVELS, place["level"]),
                "place": place["name"],
                "project_id": pid,
            }
        )
    countries = [c for c in str(row.get("countries") or "").split(",") if c]
    sources = db.source_refs(
        [row.get("source_id"), row.get("amount_source_id")]
        + list(detail.milestones.frame.get("source_id", []))
        + list(detail.amounts.frame.get("source_id", []))
        + list(detail.external_ids.frame.get("source_id", []))
        + list(detail.locations.frame.get("source_id", []))
        + [f["properties"].get("source_id") for f in shapes]
    )
    return dict(
        title=row["name"],
        detail=detail,
        p=row,
        as_of=as_of,
        countries=countries,
        sector_label=lambda s: sector_label(_, s),
        status_label=lambda s: status_label(_, s),
        shapes=len(shapes),
        places=map_rows,
        sources=sources,
        project_map=points_figure(countries[0], map_rows, lang, fmt, _, "project-map")
        if map_rows and len(countries) == 1
        else None,
        geojson_url=f"/api/v1/projects/{pid}.geojson",
        json_url=f"/api/v1/projects/{pid}",
        milestone_label=lambda code: code_label(_, MILESTONES, code),
        amount_kind_label=lambda code: code_label(_, AMOUNT_KINDS, code),
    )
