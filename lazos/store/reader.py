"""Reading the store: the queries the Python API, the analyses and the claim checker share.

A :class:`Reader` is a read-only handle on a Lazos database whose methods return pandas
DataFrames. ``as_of`` (a date, or "YYYY", "YYYY-MM", "YYYY-MM-DD") answers from the state of
the world at that date (see lazos.store.history); by default only headline values are
returned, and ``include_alternatives=True`` returns every sourced value with an
``is_headline`` flag. Interfaces do not use it directly: lazos.api wraps it in typed results.

One Reader serves many threads at once: each thread reads through a cursor of its own on
the one DuckDB connection (DuckDB runs their queries in parallel).
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lazos.countries import CountryResolver
from lazos.dates import parse_as_of
from lazos.errors import DatabaseError, LazosError, ReadOnlyError
from lazos.paths import default_db_path
from lazos.store import headline
from lazos.store.history import happened_by, visible
from lazos.store.interrupt import TimeLimitError, interruptible
from lazos.store.migrations import current_version, latest_version

AsOf = date | str | None

BRI_JOIN_KINDS = ("bri_mou_signed", "bri_cooperation_plan_signed")
BRI_KINDS = (*BRI_JOIN_KINDS, "bri_withdrawal")
RELATION_KINDS = (
    "diplomatic_relations_established",
    "diplomatic_relations_switched",
    "diplomatic_relations_broken",
)
# How a source is named in listings: its publisher, else its title, else its web domain.
SOURCE_LABEL = (
    "coalesce(s.publisher, s.title, "
    "nullif(regexp_extract(s.url, '^[a-z]+://(www[.])?([^/:]+)', 2), ''), s.source_id)"
    " || CASE WHEN s.cited_in IS NOT NULL THEN ' (cited in ' || s.cited_in || ')' ELSE '' END"
    " || CASE WHEN s.url IS NULL THEN ' [' || s.source_id || ']' ELSE '' END"
)
# Order in which a project's headline amount is chosen among amount kinds.
AMOUNT_KIND_ORDER = (
    "total_cost",
    "investment",
    "contract_value",
    "acquisition",
    "adjusted_commitment",
    "commitment",
    "financing",
    "loan",
    "grant",
)
# Status a project has after each milestone; ties on the same day follow this order.
MILESTONE_STATUS = {
    "announced": "planned",
    "agreement_signed": "planned",
    "committed": "planned",
    "construction_started": "under_construction",
    "implementation_started": "in_progress",
    "resumed": "under_construction",
    "operational": "operational",
    "completed": "completed",
    "suspended": "suspended",
    "cancelled": "cancelled",
}


def frame(cursor: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """A query's result as a DataFrame whose missing texts are None, under pandas 2 and 3 alike.

    pandas 3 reads text columns as its ``str`` dtype, where a missing value is NaN (a float
    that is truthy and has no string methods); Lazos's callers test for None.
    """
    return _none_for_missing_text(cursor.df())


def _none_for_missing_text(df: pd.DataFrame) -> pd.DataFrame:
    for i, dtype in enumerate(df.dtypes):
        if not pd.api.types.is_object_dtype(dtype) and pd.api.types.is_string_dtype(dtype):
            column = df.iloc[:, i]
            df.isetitem(i, column.astype(object).where(column.notna(), None))
    return df


# Sizes as DuckDB writes them: KB, MB... are powers of 1000, KiB, MiB... powers of 1024.
SIZE_UNITS = (
    {"b": 1}
    | {f"{p}b": 1000**i for i, p in enumerate("kmgt", 1)}
    | {f"{p}ib": 1024**i for i, p in enumerate("kmgt", 1)}
)
# A result is fetched this many DuckDB vectors (of 2048 rows) at a time, so that its size is
# checked against the memory limit, and Ctrl-C is seen, between two fetches.
FETCH_VECTORS = 32


def parse_size(text: str) -> int:
    """Bytes in a size such as "2GB", "500 MB" or "1.5GiB"."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)\s*", text, re.IGNORECASE)
    if not found or float(found[1]) <= 0:
        raise LazosError(f"invalid memory size {text!r}: give a number and a unit, e.g. 2GB, 500MB or 1GiB")
    return int(float(found[1]) * SIZE_UNITS[found[2].lower()])


def fetch_bounded(cursor: duckdb.DuckDBPyConnection, check: Any, max_bytes: int | None) -> pd.DataFrame:
    """A query's result, fetched in chunks; ``check()`` runs after each (it raises to stop), and
    a result larger than ``max_bytes`` raises MemoryError before it is all in memory."""
    chunks = [cursor.fetch_df_chunk(FETCH_VECTORS)]
    size = 0
    while len(chunks[-1]):
        check()
        size += int(chunks[-1].memory_usage(deep=True, index=False).sum())
        if max_bytes is not None and size > max_bytes:
            raise MemoryError(f"the result takes more than {max_bytes} bytes")
        chunks.append(cursor.fetch_df_chunk(FETCH_VECTORS))
    full = [c for c in chunks if len(c)]
    df = chunks[0] if len(full) < 2 else pd.concat(full, ignore_index=True)
    return _none_for_missing_text(df)


# A filter's known values are listed in its error message when there are at most this many.
LIST_KNOWN_UP_TO = 30


def choose(value: str, known: Iterable[str] | Mapping[str, str], what: str, listing: str = "") -> str:
    """The known value that ``value`` names (case ignored), else a LazosError that suggests the
    closest ones: a filter that matches nothing should say so rather than show an empty list.

    ``known`` may map each value to a label (an indicator's name) that suggestions also search.
    Without a close one, the message says ``listing`` (where the values are listed, or which
    to use), else names the known values (when they are few).
    """
    labels = dict(known) if isinstance(known, Mapping) else dict.fromkeys(known, "")
    folded = {str(k).casefold(): str(k) for k in labels}
    wanted = value.casefold().strip()
    if wanted in folded:
        return folded[wanted]
    close = [folded[c] for c in difflib.get_close_matches(wanted, list(folded), n=3, cutoff=0.6)]
    # Then values that hold every word given, in the value itself first, then in its label:
    # GDP -> NY.GDP.MKTP.CD, gdp_growth -> NY.GDP.MKTP.KD.ZG ("GDP growth (annual %)").
    words = [w for w in re.split(r"[\W_]+", wanted) if len(w) >= 2]
    for text in (lambda k: k, lambda k: f"{k} {labels[k]}"):
        close += [k for k in labels if k not in close and words and all(w in text(k).casefold() for w in words)]
    if close:
        named = [repr(c) for c in close[:5]] + ([f"{len(close) - 5} more"] if len(close) > 5 else [])
        shown = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " or " + named[-1]
        hint = f" (did you mean {shown}?)"
    elif listing:
        hint = f": {listing}"
    elif len(labels) <= LIST_KNOWN_UP_TO:
        hint = f" (known: {', '.join(sorted(labels)) or 'none'})"
    else:
        hint = ""
    raise LazosError(f"unknown {what} {value!r}{hint}")


def _missing(value: Any) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _in_list(column: str, values: tuple[str, ...] | list[str]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


def _case_order(column: str, values: tuple[str, ...] | list[str]) -> str:
    whens = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values))
    return f"CASE {column} {whens} ELSE {len(values)} END"


class Reader:
    """A read-only handle on a Lazos store: the queries every part of Lazos reads it with."""

    def __init__(self, path: str | Path | None = None, *, recorded_as_of: datetime | None = None):
        self.path = Path(path).expanduser() if path else default_db_path()
        self.recorded_as_of = recorded_as_of
        if not self.path.exists():
            raise DatabaseError(f"no Lazos database at {self.path}: run `lazos build` first")
        try:
            self.root = duckdb.connect(
                str(self.path),
                read_only=True,
                config={"enable_external_access": False, "lock_configuration": True},
            )
        except duckdb.Error as exc:
            raise DatabaseError(f"cannot open the database at {self.path}: {exc}") from exc
        self._local = threading.local()
        found, needed = current_version(self.root), latest_version()
        if found == 0:
            self.root.close()
            raise DatabaseError(
                f"{self.path} is not a Lazos database (it has no Lazos schema): build one with `lazos build`"
            )
        if found != needed:
            self.root.close()
            raise DatabaseError(
                f"the database at {self.path} has schema version {found}, this Lazos needs "
                f"{needed}: "
                + (
                    f"run `lazos migrate --db {self.path}` to upgrade it in place (its content is kept)"
                    if found < needed
                    else "it was written by a newer Lazos; upgrade Lazos to read it"
                )
            )

    # ------------------------------------------------------------------ plumbing

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the database (a DuckDB connection must not be shared by
        threads running queries at once; its cursors may)."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self.root.cursor()
        return cursor

    def close(self) -> None:
        self.root.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def visible(self, alias: str) -> str:
        """SQL predicate selecting the row versions this handle sees (see store.history)."""
        return visible(alias, self.recorded_as_of)

    _v = visible

    def _df(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        return frame(self.con.execute(sql, params or []))

    def _known(self, sql: str) -> dict[str, str]:
        """A filter's known values (first column) with their labels (second column, if any)."""
        return {str(row[0]): str(row[-1] or "") for row in self.con.execute(sql).fetchall() if row[0] is not None}

    def _choose_all(
        self, values: str | Iterable[str], known: Mapping[str, str], what: str, listing: str = ""
    ) -> list[str]:
        return [choose(v, known, what, listing) for v in ([values] if isinstance(values, str) else values)]

    @cached_property
    def resolver(self) -> CountryResolver:
        rows = self.con.execute(
            f"""
            SELECT unnest([iso3, iso2, name_en, name_es, name_pt, name_zh]) AS name, iso3
            FROM country c WHERE {self._v("c")}
            UNION ALL
            SELECT alias, iso3 FROM country_alias a WHERE {self._v("a")}
            """
        ).fetchall()
        return CountryResolver(rows)

    def resolve_country(self, name: str) -> str:
        """ISO3 code for a country name or code in English, Spanish, Portuguese or Chinese."""
        return self.resolver.resolve(name)

    # ------------------------------------------------------------------ events

    def events(
        self,
        *,
        as_of: AsOf = None,
        country: str | None = None,
        kind: str | list[str] | tuple[str, ...] | None = None,
        category: str | None = None,
        include_alternatives: bool = False,
    ) -> pd.DataFrame:
        """Dated ties with China, oldest first; one headline row per real-world event."""
        day = parse_as_of(as_of)
        where = ["TRUE"]
        if country:
            where.append(f"country = '{self.resolve_country(country)}'")
        if kind:
            kinds = self._known(f"SELECT kind, label FROM event_kind k WHERE {self._v('k')}")
            where.append(
                _in_list(
                    "kind",
                    self._choose_all(kind, kinds, "event kind"),
                )
            )
        if category:
            categories = self._known(f"SELECT DISTINCT category FROM event_kind k WHERE {self._v('k')}")
            where.append(_in_list("category", [choose(category, categories, "category")]))
        if not include_alternatives:
            where.append("is_headline")
        return self._df(
            f"""
            WITH ranked AS (
                SELECT e.*, k.label, k.category, k.pillar, s.url AS source_url,
                    {SOURCE_LABEL} AS source_label,
                    row_number() OVER (PARTITION BY e.event_key
                        ORDER BY {headline.order("e", "date", "fuzzy_end(s.published)")})
                        = 1 AS is_headline,
                    count(*) OVER (PARTITION BY e.event_key) - 1 AS alternatives
                FROM (SELECT *, fuzzy_start(date) AS date_start, fuzzy_end(date) AS date_end
                      FROM event e WHERE {self._v("e")}) e
                JOIN event_kind k ON k.kind = e.kind AND {self._v("k")}
                JOIN source s ON s.source_id = e.source_id AND {self._v("s")}
                WHERE {happened_by("e.date_end", day)}
            )
            SELECT event_id, event_key, country, kind, label, category, pillar, date,
                date_precision(date) AS precision, date_start, date_end, detail, confidence,
                source_id, source_label, source_url, note, is_headline, alternatives
            FROM ranked WHERE {" AND ".join(where)}
            ORDER BY date_start NULLS LAST, date_end NULLS LAST, country NULLS FIRST, kind,
                is_headline DESC, event_id
            """
        )

    def _latest_event_by_country(self, kinds: tuple[str, ...], day: date | None) -> pd.DataFrame:
        """Each country's most recent headline event among ``kinds`` (by the end of its date)."""
        ev = self.events(as_of=day, kind=kinds)
        ev = ev[ev["country"].notna() & ev["date_end"].notna()]
        if ev.empty:
            return ev
        ev = ev.sort_values(["country", "date_end", "event_id"])
        return ev.groupby("country", as_index=False).tail(1).set_index("country")

    def bri_participants(self, *, as_of: AsOf = None) -> pd.DataFrame:
        """States that have joined the Belt and Road Initiative (MoU or cooperation plan).

        One row per state that ever joined by ``as_of``: when it joined, its latest BRI
        event, and whether it still participates (a withdrawal ends participation).
        """
        day = parse_as_of(as_of)
        ev = self.events(as_of=day, kind=BRI_KINDS)
        ev = ev[ev["country"].notna() & ev["date_end"].notna()]
        joins = ev[ev["kind"].isin(BRI_JOIN_KINDS)]
        first = joins.sort_values("date_end").groupby("country").head(1).set_index("country")
        latest = self._latest_event_by_country(BRI_KINDS, day)
        out = pd.DataFrame(
            {
                "joined": first["date"],
                "joined_by": first["kind"],
                "source_id": first["source_id"],
                "source_url": first["source_url"],
            }
        )
        out["status"] = [
            "withdrawn" if latest.loc[iso, "kind"] == "bri_withdrawal" else "participant" for iso in out.index
        ]
        out.index.name = "country"
        return out.reset_index().sort_values(["joined", "country"]).reset_index(drop=True)

    # ------------------------------------------------------------------ countries

    def countries(self, *, as_of: AsOf = None, include_aggregates: bool = False) -> pd.DataFrame:
        """The CELAC states, China and territories, with ties to China as of a date."""
        day = parse_as_of(as_of)
        kinds = "" if include_aggregates else "AND c.kind <> 'aggregate'"
        df = self._df(
            f"""
            SELECT c.iso3, c.iso2, c.kind, c.celac, c.sovereign, c.name_en, c.name_es, c.name_pt,
                c.name_zh, c.subregion, c.source_id, c.note
            FROM country c WHERE {self._v("c")} {kinds}
            ORDER BY CASE c.kind WHEN 'state' THEN 0 WHEN 'territory' THEN 1 ELSE 2 END,
                c.celac DESC, c.name_en
            """
        )
        rel = self._latest_event_by_country(RELATION_KINDS, day)
        bri = self.bri_participants(as_of=day).set_index("country")
        df["prc_relations_since"] = [
            rel.loc[i, "date"] if i in rel.index and rel.loc[i, "kind"] != RELATION_KINDS[2] else None
            for i in df["iso3"]
        ]
        df["bri_status"] = [bri.loc[i, "status"] if i in bri.index else None for i in df["iso3"]]
        df["bri_joined"] = [bri.loc[i, "joined"] if i in bri.index else None for i in df["iso3"]]
        return df

    # ------------------------------------------------------------------ projects

    def projects(
        self,
        *,
        as_of: AsOf = None,
        country: str | None = None,
        sector: str | None = None,
        status: str | None = None,
    ) -> pd.DataFrame:
        """China-linked projects with their headline amount and status (as of a date).

        As of a date, a project is listed once a dated milestone shows it existed, and its
        status is that of its latest milestone by then; without a date, the status is the
        one the latest source reports.
        """
        day = parse_as_of(as_of)
        status_case = (
            "CASE pm.milestone " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in MILESTONE_STATUS.items()) + " END"
        )
        where = [self._v("p")]
        if day is not None:
            where.append("first.first_date IS NOT NULL")
        if country:
            iso = self.resolve_country(country)
            where.append(
                f"p.project_id IN (SELECT project_id FROM project_country x "
                f"WHERE x.country = '{iso}' AND {self._v('x')})"
            )
        if sector:
            sectors = self._known(f"SELECT DISTINCT sector FROM project p WHERE {self._v('p')}")
            where.append(_in_list("p.sector", [choose(sector, sectors, "sector")]))
        if status:
            statuses = self._known(f"SELECT DISTINCT status FROM project p WHERE {self._v('p')}")
            status = choose(status, statuses | dict.fromkeys(MILESTONE_STATUS.values(), ""), "status")
        outer = f"WHERE {_in_list('status', [status])}" if status else ""
        project_status = "p.status" if day is None else "m.status_as_of"
        return self._df(
            f"""
            WITH milestones AS (
                SELECT *, fuzzy_start(date) AS date_start, fuzzy_end(date) AS date_end
                FROM project_milestone pm WHERE {self._v("pm")}
            ),
            m AS (
                SELECT pm.project_id, {status_case} AS status_as_of,
                    row_number() OVER (PARTITION BY pm.project_id ORDER BY pm.date_end DESC,
                        {_case_order("pm.milestone", tuple(MILESTONE_STATUS))} DESC) AS rn
                FROM milestones pm WHERE {happened_by("pm.date_end", day)}
            ),
            first AS (
                SELECT project_id, min(date_start) AS first_date, max(date_end) AS last_date
                FROM milestones pm WHERE {happened_by("pm.date_end", day)}
                GROUP BY project_id
            ),
            a AS (
                SELECT pa.*, s.url AS amount_source_url,
                    row_number() OVER (PARTITION BY pa.project_id, pa.amount_kind
                        ORDER BY {headline.order("pa", "value", "fuzzy_end(s.published)")}) AS rn_kind,
                    count(*) OVER (PARTITION BY pa.project_id, pa.amount_kind) - 1 AS alternatives
                FROM project_amount pa
                JOIN source s ON s.source_id = pa.source_id AND {self._v("s")}
                WHERE {self._v("pa")}
            ),
            a1 AS (
                SELECT *, row_number() OVER (PARTITION BY project_id
                    ORDER BY {_case_order("amount_kind", AMOUNT_KIND_ORDER)}) AS rn
                FROM a WHERE rn_kind = 1
            ),
            pc AS (
                SELECT project_id, string_agg(country, ';' ORDER BY country) AS countries
                FROM project_country x WHERE {self._v("x")} GROUP BY project_id
            ),
            listed AS (
                SELECT p.project_id, p.name, pc.countries, p.sector, p.subsector,
                    {project_status} AS status, a1.amount_kind, a1.value AS amount,
                    a1.currency, a1.usd_nominal, a1.usd_constant, a1.usd_constant_year,
                    a1.qualifier AS amount_qualifier, a1.alternatives AS amount_alternatives,
                    a1.source_id AS amount_source_id, first.first_date, first.last_date,
                    p.chinese_entities, p.local_entities, p.flow_type, p.flow_class, p.intent, p.in_totals,
                    p.description, p.lat, p.lon, p.location_note,
                    p.confidence, p.source_id, {SOURCE_LABEL} AS source_label,
                    s.url AS source_url, p.note
                FROM project p
                JOIN source s ON s.source_id = p.source_id AND {self._v("s")}
                LEFT JOIN pc ON pc.project_id = p.project_id
                LEFT JOIN m ON m.project_id = p.project_id AND m.rn = 1
                LEFT JOIN first ON first.project_id = p.project_id
                LEFT JOIN a1 ON a1.project_id = p.project_id AND a1.rn = 1
                WHERE {" AND ".join(where)}
            )
            SELECT * FROM listed {outer}
            ORDER BY countries, first_date NULLS LAST, name
            """
        )

    def project(self, name: str, *, as_of: AsOf = None) -> dict[str, Any]:
        """One project by id or by (part of) its name: its row, milestones and every amount."""
        from lazos.countries import normalise

        listed = self.projects(as_of=as_of)
        wanted = normalise(name)
        exact = listed[listed["project_id"] == name]
        if exact.empty:
            exact = listed[[wanted in normalise(n) for n in listed["name"]]]
        if exact.empty:  # no name holds it: suggest the closest names, if any
            exact = listed[listed["name"] == choose(name, listed["name"], "project", "`lazos projects` lists them")]
        if len(exact) != 1:
            names = ", ".join(repr(n) for n in exact["name"].head(5))
            hint = f": it matches {names}" if len(exact) else ""
            what = "ambiguous" if len(exact) else "unknown"
            raise LazosError(f"{what} project {name!r}{hint}")
        row = exact.iloc[0]
        pid = row["project_id"]
        return {
            "project": {k: (None if _missing(v) else v) for k, v in row.items()},
            "milestones": self.project_milestones(pid, as_of=as_of),
            "amounts": self.project_amounts(pid),
            "external_ids": self._df(
                f"SELECT scheme, external_id, source_id FROM project_external_id x "
                f"WHERE x.project_id = ? AND {self._v('x')} ORDER BY scheme",
                [pid],
            ),
        }

    def project_amounts(self, project_id: str | None = None) -> pd.DataFrame:
        """Every sourced amount of a project (or of all projects), headline first.

        Amounts describe a project rather than a moment, so they carry no as-of filter;
        as of a date, a project itself is listed only once a milestone shows it existed.
        """
        where = [self._v("pa")]
        if project_id:
            where.append("pa.project_id = ?")
        return self._df(
            f"""
            SELECT pa.project_id, pa.amount_kind, pa.value, pa.currency, pa.usd_nominal,
                pa.usd_constant, pa.usd_constant_year, pa.qualifier, pa.confidence,
                row_number() OVER (PARTITION BY pa.project_id, pa.amount_kind
                    ORDER BY {headline.order("pa", "value", "fuzzy_end(s.published)")}) = 1 AS is_headline,
                pa.source_id, {SOURCE_LABEL} AS source_label, s.url AS source_url, pa.note
            FROM project_amount pa
            JOIN source s ON s.source_id = pa.source_id AND {self._v("s")}
            WHERE {" AND ".join(where)}
            ORDER BY pa.project_id, {_case_order("pa.amount_kind", AMOUNT_KIND_ORDER)},
                is_headline DESC, pa.value
            """,
            [project_id] if project_id else [],
        )

    def project_milestones(self, project_id: str | None = None, *, as_of: AsOf = None) -> pd.DataFrame:
        day = parse_as_of(as_of)
        where = [happened_by("pm.date_end", day)]
        if project_id:
            where.append("pm.project_id = ?")
        return self._df(
            f"""
            SELECT pm.project_id, pm.milestone, pm.date, pm.date_start, pm.date_end,
                pm.confidence, pm.source_id, {SOURCE_LABEL} AS source_label,
                s.url AS source_url, pm.note
            FROM (SELECT *, fuzzy_start(date) AS date_start, fuzzy_end(date) AS date_end
                  FROM project_milestone pm WHERE {self._v("pm")}) pm
            JOIN source s ON s.source_id = pm.source_id AND {self._v("s")}
            WHERE {" AND ".join(where)}
            ORDER BY pm.project_id, pm.date_start, pm.date_end
            """,
            [project_id] if project_id else [],
        )

    # ------------------------------------------------------------------ observations

    def observations(
        self,
        *,
        as_of: AsOf = None,
        indicator: str | list[str] | None = None,
        entity: str | None = None,
        partner: str | None = None,
        include_alternatives: bool = False,
    ) -> pd.DataFrame:
        """Indicator values; one headline per entity, partner, indicator and period.

        As of a date, a value counts once it was published (its own publication date, else
        its source's, else the date its source was retrieved, else the end of the period it
        describes); and of several vintages of one dataset, each series takes its values from
        the newest vintage published by then.
        """
        day = parse_as_of(as_of)
        where = [self._v("o")]
        if indicator:
            codes = self._known(f"SELECT indicator, name FROM indicator i WHERE {self._v('i')}")
            where.append(
                _in_list(
                    "o.indicator", self._choose_all(indicator, codes, "indicator", "`lazos indicators` lists them")
                )
            )
        if entity:
            where.append(f"o.entity = '{self.resolve_country(entity)}'")
        if partner:
            where.append(f"o.partner = '{self.resolve_country(partner)}'")
        headline_only = "" if include_alternatives else "WHERE r.is_headline"
        return self._df(
            f"""
            {self._observation_versions(day, where)},
            ranked AS (
                SELECT n.*,
                    row_number() OVER (PARTITION BY entity, partner, indicator, period
                        ORDER BY {headline.order("n", "value", "coalesce(fuzzy_end(n.published), n.vintage)")})
                        = 1 AS is_headline,
                    count(*) OVER (PARTITION BY entity, partner, indicator, period) - 1 AS alternatives
                FROM newest n WHERE is_newest
            )
            SELECT r.entity, r.partner, r.indicator, i.name AS indicator_name, r.period,
                fuzzy_start(r.period) AS period_start, fuzzy_end(r.period) AS period_end, r.value,
                i.unit, r.qualifier, r.confidence, r.published, r.source_id, r.source_label,
                r.source_url, r.note, r.is_headline, r.alternatives
            FROM ranked r
            LEFT JOIN indicator i ON i.indicator = r.indicator AND {self._v("i")}
            {headline_only}
            ORDER BY r.indicator, r.entity, r.partner NULLS FIRST, period_start, period_end,
                r.is_headline DESC, r.source_id
            """
        )

    def _observation_versions(self, day: date | None, where: list[str] | None = None) -> str:
        """A WITH clause whose ``newest`` holds every sourced value visible as of ``day`` (see
        observations()), those of each series' newest vintage flagged ``is_newest``.

        Counting from it in SQL keeps overview() and sources() from building millions of rows.
        """
        known = "TRUE" if day is None else f"known_from <= DATE '{day}'"
        return f"""
            WITH o AS (
                SELECT o.entity, o.partner, o.indicator, o.period, o.value, o.source_id,
                    coalesce(d.qualifier, 'exact') AS qualifier,
                    coalesce(d.confidence, 'high') AS confidence, d.published, d.note,
                    s.dataset, s.url AS source_url, {SOURCE_LABEL} AS source_label,
                    coalesce(fuzzy_end(s.published), fuzzy_end(s.retrieved)) AS vintage,
                    coalesce(fuzzy_end(d.published), fuzzy_end(s.published), fuzzy_end(s.retrieved),
                             fuzzy_end(o.period)) AS known_from
                FROM observation o
                LEFT JOIN observation_detail d
                    ON d.entity = o.entity AND d.partner IS NOT DISTINCT FROM o.partner
                    AND d.indicator = o.indicator AND d.period = o.period
                    AND d.source_id = o.source_id AND {self._v("d")}
                JOIN source s ON s.source_id = o.source_id AND {self._v("s")}
                WHERE {" AND ".join(where or [self._v("o")])}
            ),
            kept AS (SELECT * FROM o WHERE {known}),
            newest AS (
                -- Each series' newest vintage by a grouped maximum joined back (a window over
                -- millions of rows partitioned by four texts takes several times longer).
                SELECT k.*, k.dataset IS NULL OR k.vintage IS NOT DISTINCT FROM m.vintage AS is_newest
                FROM kept k LEFT JOIN (
                    SELECT dataset, indicator, entity, partner, max(vintage) AS vintage
                    FROM kept WHERE dataset IS NOT NULL GROUP BY ALL
                ) m ON m.dataset = k.dataset AND m.indicator = k.indicator AND m.entity = k.entity
                    AND m.partner IS NOT DISTINCT FROM k.partner
            )"""

    def observation_count(self, *, as_of: AsOf = None) -> int:
        """How many headline values observations(as_of=...) lists (one per entity, partner,
        indicator and period), counted in SQL."""
        sql = f"""{self._observation_versions(parse_as_of(as_of))}
            SELECT count(*) FROM (SELECT DISTINCT entity, partner, indicator, period FROM newest WHERE is_newest)"""
        return int(self.con.execute(sql).fetchall()[0][0])

    def indicators(self) -> pd.DataFrame:
        return self._df(
            f"""
            SELECT i.indicator, i.name, i.unit, i.topic, i.description, i.source_id,
                (SELECT count(*) FROM observation o
                 WHERE o.indicator = i.indicator AND {self._v("o")}) AS observations
            FROM indicator i WHERE {self._v("i")} ORDER BY i.indicator
            """
        )

    # ------------------------------------------------------------------ sources

    def sources(self, *, as_of: AsOf = None) -> pd.DataFrame:
        """What the data rest on, with licences and how many facts cite each source.

        As of a date, only sources cited by a fact visible at that date are listed.
        """
        day = parse_as_of(as_of)
        ev = self.events(as_of=day, include_alternatives=True)[["source_id"]]
        ms = self.project_milestones(as_of=day)[["source_id"]]
        listed = self.projects(as_of=day)
        amounts = self.project_amounts()
        am = amounts[amounts["project_id"].isin(listed["project_id"])][["source_id"]]
        facts = pd.concat([ev, ms, am, listed[["source_id"]]])
        # Observations are counted in SQL: an imported dataset has millions (every sourced value).
        ob = self._df(
            f"""{self._observation_versions(day)}
            SELECT source_id, count(*) AS n FROM newest WHERE is_newest GROUP BY source_id"""
        )
        cited = facts.groupby("source_id").size().add(ob.set_index("source_id")["n"], fill_value=0)
        cited = cited.astype(int).rename("facts")
        df = self._df(
            f"""
            SELECT s.source_id, s.kind, s.title, s.publisher, s.url, s.licence, s.published,
                s.retrieved, s.content_hash, s.dataset, s.cited_in, s.note
            FROM source s WHERE {self._v("s")} ORDER BY s.source_id
            """
        )
        df = df.merge(cited, how="left", left_on="source_id", right_index=True)
        df["facts"] = df["facts"].fillna(0).astype(int)
        if day is not None:
            df = df[df["facts"] > 0].reset_index(drop=True)
        return df

    def source_labels(self) -> pd.DataFrame:
        """Every source's id with the label and address listings show for it."""
        return self._df(
            f"SELECT s.source_id, {SOURCE_LABEL} AS source_label, s.url AS source_url "
            f"FROM source s WHERE {self._v('s')} ORDER BY s.source_id"
        )

    # ------------------------------------------------------------------ overview

    def undated(self) -> dict[str, int]:
        """Facts with no date, which the current view counts and no as-of question can: events
        none of whose sourced assertions is dated (and how many of them are agreements), and
        projects with no dated milestone."""
        events, agreements = self.con.execute(
            f"""
            SELECT count(*), count(*) FILTER (WHERE agreement) FROM (
                SELECT e.event_key, bool_or(k.category = 'agreement') AS agreement
                FROM event e
                JOIN event_kind k ON k.kind = e.kind AND {self._v("k")}
                JOIN source s ON s.source_id = e.source_id AND {self._v("s")}
                WHERE {self._v("e")}
                GROUP BY e.event_key HAVING count(fuzzy_end(e.date)) = 0
            )
            """
        ).fetchall()[0]
        projects = self.con.execute(
            f"""
            SELECT count(*) FROM project p JOIN source s ON s.source_id = p.source_id AND {self._v("s")}
            WHERE {self._v("p")} AND NOT EXISTS (
                SELECT 1 FROM project_milestone pm WHERE pm.project_id = p.project_id AND {self._v("pm")}
                    AND fuzzy_end(pm.date) IS NOT NULL)
            """
        ).fetchall()[0][0]
        return {"events": int(events), "agreements": int(agreements), "projects": int(projects)}

    def last_load_id(self) -> int:
        """The id of the latest build or import this handle sees."""
        stamp = "" if self.recorded_as_of is None else f" WHERE started_at <= TIMESTAMP '{self.recorded_as_of}'"
        return int(self.con.execute(f"SELECT coalesce(max(load_id), 0) FROM load_run{stamp}").fetchall()[0][0])

    def analysis_runs(self) -> pd.DataFrame:
        """Saved analysis runs (`lazos analyses save`), newest first, with whether the data moved on."""
        latest = self.last_load_id()
        df = self._df(
            "SELECT * REPLACE (date_trunc('second', computed_at) AS computed_at) FROM analysis_run ORDER BY run_id DESC"
        )
        df["current_data"] = df["load_id"] == latest
        return df

    # ------------------------------------------------------------------ documents and claims

    def documents(self) -> pd.DataFrame:
        """Documents read by `lazos ingest`, with how many claims each holds."""
        return self._df(
            f"""
            SELECT d.doc_id, d.name, d.title, d.media_type, d.lang, d.languages, length(d.text) AS chars,
                d.extractor_version, s.url, s.retrieved, s.content_hash, d.source_id,
                (SELECT count(*) FROM claim c WHERE c.doc_id = d.doc_id AND {self._v("c")}) AS claims,
                (SELECT count(*) FROM document_paragraph p WHERE p.doc_id = d.doc_id AND {self._v("p")}
                    AND p.translation_of IS NOT NULL) AS paired_paragraphs
            FROM document d JOIN source s ON s.source_id = d.source_id AND {self._v("s")}
            WHERE {self._v("d")} ORDER BY s.retrieved, d.name
            """
        )

    def document_text(self, doc_id: str) -> str:
        found = self.con.execute(
            f"SELECT text FROM document d WHERE doc_id = ? AND {self._v('d')}", [doc_id]
        ).fetchall()
        if not found:
            raise LazosError(f"unknown document {doc_id!r}: `lazos documents` lists them")
        return found[0][0]

    def claim_rows(self, *, doc: str | None = None) -> pd.DataFrame:
        """Claims read from documents (unchecked: lazos.api checks them), in document order."""
        where = [self._v("c")]
        params: list[Any] = []
        if doc:
            docs = self._known(f"SELECT doc_id FROM document d WHERE {self._v('d')}")
            docs |= self._known(f"SELECT name FROM document d WHERE {self._v('d')}")
            doc = choose(doc, docs, "document", "`lazos documents` lists them")
            where.append("(c.doc_id = ? OR d.name = ?)")
            params += [doc, doc]
        df = self._df(
            f"""
            SELECT c.doc_id, d.name AS doc_name, c.n, c.start_offset AS start, c.end_offset AS "end", c.text,
                c.value, c.unit, c.what, c.period, c.countries, c.lang, c.qualifier, c.kind, c.paragraph,
                c.partial_period, c.translation_of,
                substring(d.text, c.context_start + 1, c.context_end - c.context_start) AS context,
                c.start_offset - c.context_start AS offset_in_context,
                c.source_id
            FROM claim c JOIN document d ON d.doc_id = c.doc_id AND {self._v("d")}
            WHERE {" AND ".join(where)}
            ORDER BY d.name, c.n
            """,
            params,
        )
        df["countries"] = [[] if not isinstance(c, str) else c.split(";") for c in df["countries"]]
        return df

    # ------------------------------------------------------------------ SQL

    def query(self, sql: str, *, timeout: float | None = None, memory_limit: str | None = None) -> pd.DataFrame:
        """Run one read-only SELECT statement; anything that would write is refused.

        Ctrl-C stops it (KeyboardInterrupt), and so does ``timeout`` (seconds: a
        TimeLimitError). With ``memory_limit`` (e.g. "2GB") it runs on a connection of its
        own whose DuckDB may use that much memory, and its result may take as much again.
        """
        try:
            statements = self.con.extract_statements(sql)
        except duckdb.Error as exc:
            raise LazosError(f"invalid SQL: {str(exc).splitlines()[0]}") from exc
        if len(statements) != 1:
            raise ReadOnlyError(f"give exactly one statement (found {len(statements)})")
        kind = statements[0].type.name
        if kind != "SELECT":
            raise ReadOnlyError(f"only read-only SELECT queries are allowed; this is a {kind} statement")
        max_bytes = None if memory_limit is None else parse_size(memory_limit)
        try:
            con = self.con if max_bytes is None else self._query_connection(max_bytes)
            try:
                with interruptible(con, timeout) as watch:
                    return fetch_bounded(con.execute(sql), watch.check, max_bytes)
            finally:
                if con is not self.con:
                    con.close()
        except TimeLimitError:
            raise TimeLimitError(f"the query was stopped after {timeout:g} s (--timeout)") from None
        except (duckdb.OutOfMemoryException, MemoryError) as exc:
            raise LazosError(
                f"the query needs more memory than its limit of {memory_limit} (--memory-limit): "
                "ask for less (fewer rows or columns, an aggregate, a LIMIT) or raise the limit"
            ) from exc
        except duckdb.Error as exc:
            raise LazosError(f"query failed: {str(exc).splitlines()[0]}") from exc

    def _query_connection(self, max_bytes: int) -> duckdb.DuckDBPyConnection:
        """A connection of its own for one query, with its own memory limit and nowhere to spill.

        DuckDB's memory limit belongs to the database instance, which every handle on the same
        file shares (with the same configuration): the query gets an in-memory instance that
        attaches the file read-only, then closes every way out, as the handle's connection does.
        """
        con = duckdb.connect(":memory:", config={"memory_limit": f"{max_bytes}B"})
        try:
            con.execute(f"ATTACH '{str(self.path).replace(chr(39), chr(39) * 2)}' AS lazos (READ_ONLY)")
            con.execute("USE lazos")
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        except BaseException:
            con.close()
            raise
        return con
