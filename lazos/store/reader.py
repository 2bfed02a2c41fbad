"""Reading the store: the queries the Python API, the analyses and the claim checker share.

A :class:`Reader` is a read-only handle on a Lazos database whose methods return pandas
DataFrames. ``as_of`` (a date, or "YYYY", "YYYY-MM", "YYYY-MM-DD") answers from the state of
the world at that date (see lazos.store.history); by default only headline values are
returned, and ``include_alternatives=True`` returns every sourced value with an
``is_headline`` flag. Interfaces do not use it directly: lazos.api wraps it in typed results.

One Reader serves many threads at once: each thread reads through a cursor of its own on
the one DuckDB connection (DuckDB runs their queries in parallel).

What the queries return is kept in a bounded cache (lazos.store.cache) under the database's
``version``: a read-only handle holds DuckDB's lock on the file, so nothing can change the
database while it is open, and every answer computed once stays true for the handle's life.
Each kind of row is read once per ``as_of`` (every event, every project; every newest-vintage
observation when they fit in memory and a date is asked about more than once) and a filter (a
country, a kind, an indicator) selects from those rows, which is what the same filter in SQL
would return. Every call hands out its
own copy of the cached rows (see lazos.store.cache.fresh).
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lazos.countries import CountryResolver
from lazos.dates import parse_as_of
from lazos.errors import DatabaseError, LazosError, ReadOnlyError
from lazos.paths import default_db_path
from lazos.store import headline
from lazos.store.cache import LRUCache, fresh
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


# A fuzzy date (lazos.dates): YYYY, YYYY-MM or YYYY-MM-DD, or a range of two joined by "/".
FUZZY_DATE = "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?(/[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)?"
# Observations are held in memory (once per as_of, see Reader.observations) when the current
# view has at most this many newest-vintage values; a larger store answers each call in SQL.
HOLD_OBSERVATIONS = 250_000
# ... from the HOLD_AFTER-th observations() call with one as_of: a one-off question (a command
# run once) is quicker asked in SQL than by reading every value.
HOLD_AFTER = 2

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


@dataclass(eq=False)
class Held:
    """Rows read once and kept in the cache, with the positions of each value of the columns
    filters select on (found once per column, when first asked)."""

    frame: pd.DataFrame
    positions: dict[tuple[str, str | None], dict[str, np.ndarray]] = field(default_factory=dict)

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Held:
        return cls(frame.copy())  # a copy keeps its columns in a few blocks: selecting rows is quicker

    def rows_with(self, column: str, values: Iterable[str], split: str | None = None) -> np.ndarray:
        """Which rows hold one of ``values`` in ``column`` (or, with ``split``, in one of the
        parts of the text it holds): what ``column IN values`` selects in SQL."""
        found = self.positions.get((column, split))
        if found is None:
            found = self.positions[(column, split)] = _positions(self.frame[column], split)
        mask = np.zeros(len(self.frame), dtype=bool)
        for value in values:
            if value in found:
                mask[found[value]] = True
        return mask


def _positions(column: pd.Series, split: str | None) -> dict[str, np.ndarray]:
    """The rows holding each text of ``column`` (or each part of it, with ``split``)."""
    if split is None:
        codes, values = pd.factorize(column)  # a missing value gets -1
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(values) + 1))
        return {v: order[bounds[i] : bounds[i + 1]] for i, v in enumerate(values) if isinstance(v, str)}
    lists: dict[str, list[int]] = {}
    for i, value in enumerate(column):
        if isinstance(value, str):
            for part in value.split(split):
                lists.setdefault(part, []).append(i)
    return {k: np.array(v, dtype=np.intp) for k, v in lists.items()}


def subset(every: pd.DataFrame, keep: pd.Series | np.ndarray | None = None) -> pd.DataFrame:
    """The rows of a cached frame that ``keep`` selects (all of them for None), as the same
    query with that filter in SQL returns them.

    DuckDB gives an integer or boolean column holding a NULL a nullable dtype (Int32,
    boolean) and one without a NULL a plain one (int32, bool): the rows selected get the
    dtype their own query would have given them.
    """
    rows = every.copy(deep=False) if keep is None else every[keep].reset_index(drop=True)
    for name, dtype in every.dtypes.items():
        if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iub":
            plain = getattr(dtype, "numpy_dtype", None)
            if plain is not None and not rows[name].isna().any():
                rows[name] = rows[name].astype(plain)
    return rows


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

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        recorded_as_of: datetime | None = None,
        cache: LRUCache | None = None,
    ):
        self.path = Path(path).expanduser() if path else default_db_path()
        self.recorded_as_of = recorded_as_of
        self.cache = cache if cache is not None else LRUCache()
        self._asked: dict[Hashable, int] = {}
        self._asked_lock = threading.Lock()
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

    @cached_property
    def version(self) -> str:
        """The database's version: it changes with every build, import, ingest or saved analysis
        (and with the time a handle reads it as of). Caches and HTTP ETags are keyed by it."""
        runs = self.con.execute("SELECT count(*), coalesce(max(run_id), 0) FROM analysis_run").fetchall()[0]
        stat = self.path.stat()
        return f"{self.last_load_id()}.{runs[0]}.{runs[1]}.{stat.st_size}.{stat.st_mtime_ns}" + (
            f"@{self.recorded_as_of.isoformat()}" if self.recorded_as_of else ""
        )

    def memo(self, call: str, args: tuple[Any, ...], compute: Any) -> Any:
        """``compute()``'s result, computed once and kept in the cache under (version, call, args).

        The value returned is the cached one itself: a caller that hands it on hands out
        ``fresh(value)``, never the value.
        """
        return self.cache.get_or_compute((self.version, call, args), compute)

    def asked(self, what: Hashable) -> int:
        """How many times ``what`` has been asked of this handle, this time included (to decide
        when reading everything once beats answering each question on its own)."""
        with self._asked_lock:
            if len(self._asked) > 10_000:  # many different questions: start counting anew
                self._asked.clear()
            self._asked[what] = self._asked.get(what, 0) + 1
            return self._asked[what]

    def cached(self, call: str, args: tuple[Any, ...]) -> Any:
        """What memo() holds for (call, args), or None."""
        return self.cache.get((self.version, call, args))

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

    def _kept(self, call: str, args: tuple[Any, ...], sql: str) -> Held:
        """The rows of ``sql``, read once per database version (the cached rows themselves)."""
        return self.memo(call, args, lambda: Held.of(self._df(sql)))

    def _known(self, sql: str) -> dict[str, str]:
        """A filter's known values (first column) with their labels (second column, if any)."""

        def read() -> dict[str, str]:
            rows = self.con.execute(sql).fetchall()
            return {str(row[0]): str(row[-1] or "") for row in rows if row[0] is not None}

        return dict(self.memo("known", (sql,), read))

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
        held = self._all_events(day)
        every = held.frame
        keep = np.ones(len(every), dtype=bool)
        if country:
            keep &= held.rows_with("country", [self.resolve_country(country)])
        if kind:
            kinds = self._known(f"SELECT kind, label FROM event_kind k WHERE {self._v('k')}")
            keep &= held.rows_with("kind", self._choose_all(kind, kinds, "event kind"))
        if category:
            categories = self._known(f"SELECT DISTINCT category FROM event_kind k WHERE {self._v('k')}")
            keep &= held.rows_with("category", [choose(category, categories, "category")])
        if not include_alternatives:
            keep &= every["is_headline"].to_numpy(dtype=bool)
        return subset(every, keep)

    def _all_events(self, day: date | None) -> Held:
        """Every sourced assertion of an event known as of ``day``, with whether it is the
        headline (the cached frame: filters select from it, as WHERE would after ranking)."""
        return self._kept(
            "events",
            (day,),
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
            FROM ranked
            ORDER BY date_start NULLS LAST, date_end NULLS LAST, country NULLS FIRST, kind,
                is_headline DESC, event_id
            """,
        )

    def _headline_events(self, day: date | None, kinds: tuple[str, ...]) -> pd.DataFrame:
        """Headline events of ``kinds`` as of ``day`` (what events(kind=kinds) lists)."""
        held = self._all_events(day)
        return subset(held.frame, held.frame["is_headline"].to_numpy(dtype=bool) & held.rows_with("kind", kinds))

    def _latest_event_by_country(self, kinds: tuple[str, ...], day: date | None) -> pd.DataFrame:
        """Each country's most recent headline event among ``kinds`` (by the end of its date)."""
        ev = self._headline_events(day, kinds)
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
        return fresh(self.memo("bri_participants", (day,), lambda: self._bri_participants(day)))

    def _bri_participants(self, day: date | None) -> pd.DataFrame:
        ev = self._headline_events(day, BRI_KINDS)
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

    # ------------------------------------------------------------------ news events

    def news_events(
        self, *, as_of: AsOf = None, country: str | None = None, roots: Iterable[str] | None = None
    ) -> pd.DataFrame:
        """Events GDELT coded from the news that involve China and a LAC state (table
        news_event), oldest first; ``roots`` keeps those of these CAMEO root codes.

        As of a date, an event counts once its day and the day GDELT added it are both on or
        before that date (an event of 30 September first published on 2 October was not known
        on 1 October). ``source_url`` is the article GDELT read it in, ``file_url`` the GDELT
        file it came from (its source, ``source_id``)."""
        day = parse_as_of(as_of)
        held = self._all_news_events(day)
        keep = np.ones(len(held.frame), dtype=bool)
        if country:
            keep &= held.rows_with("country", [self.resolve_country(country)])
        if roots is not None:
            keep &= held.rows_with("event_root_code", list(roots))
        return subset(held.frame, keep)

    def _all_news_events(self, day: date | None) -> Held:
        known = (
            "TRUE"
            if day is None
            else f"(CAST(n.day AS DATE) <= DATE '{day.isoformat()}' AND CAST(n.date_added AS DATE) "
            f"<= DATE '{day.isoformat()}')"
        )
        return self._kept(
            "news_events",
            (day,),
            f"""
            SELECT n.event_id, n.day, n.date_added, n.country, n.match, n.actor1_code, n.actor1_name,
                n.actor1_country, n.actor2_code, n.actor2_name, n.actor2_country, n.is_root_event,
                n.event_code, n.event_root_code, n.quad_class, n.goldstein, n.num_mentions,
                n.num_sources, n.num_articles, n.avg_tone, n.action_geo_country, n.action_geo_name,
                n.action_geo_lat, n.action_geo_lon, n.source_url, n.source_id,
                {SOURCE_LABEL} AS source_label, s.url AS file_url
            FROM news_event n
            JOIN source s ON s.source_id = n.source_id AND {self._v("s")}
            WHERE {self._v("n")} AND {known}
            ORDER BY n.day, n.date_added, CAST(n.event_id AS BIGINT)
            """,
        )

    def news_months(self, *, as_of: AsOf = None) -> list[str]:
        """The months (YYYY-MM) in which GDELT added a China–LAC news event Lazos holds, as of a
        date: the months whose GDELT files were read (a month without one is a gap in what was
        loaded, not a quiet month)."""
        day = parse_as_of(as_of)
        known = "TRUE" if day is None else f"CAST(n.date_added AS DATE) <= DATE '{day.isoformat()}'"

        def read() -> list[str]:
            rows = self.con.execute(
                f"SELECT DISTINCT strftime(n.date_added, '%Y-%m') AS month FROM news_event n "
                f"WHERE {self._v('n')} AND {known} ORDER BY month"
            ).fetchall()
            return [r[0] for r in rows]

        return list(self.memo("news_months", (day,), read))

    # ------------------------------------------------------------------ countries

    def countries(self, *, as_of: AsOf = None, include_aggregates: bool = False) -> pd.DataFrame:
        """The CELAC states, China and territories, with ties to China as of a date."""
        day = parse_as_of(as_of)
        return fresh(
            self.memo("countries", (day, include_aggregates), lambda: self._countries(day, include_aggregates))
        )

    def _countries(self, day: date | None, include_aggregates: bool) -> pd.DataFrame:
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
        bri = self.memo("bri_participants", (day,), lambda: self._bri_participants(day)).set_index("country")
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
        held = self._all_projects(day)
        keep = np.ones(len(held.frame), dtype=bool)
        if country:
            keep &= held.rows_with("countries", [self.resolve_country(country)], split=";")
        if sector:
            sectors = self._known(f"SELECT DISTINCT sector FROM project p WHERE {self._v('p')}")
            keep &= held.rows_with("sector", [choose(sector, sectors, "sector")])
        if status:
            statuses = self._known(f"SELECT DISTINCT status FROM project p WHERE {self._v('p')}")
            known = statuses | dict.fromkeys(MILESTONE_STATUS.values(), "")
            keep &= held.rows_with("status", [choose(status, known, "status")])
        return subset(held.frame, keep)

    def _all_projects(self, day: date | None) -> Held:
        """Every project listed as of ``day`` (the cached frame: a country, sector or status
        selects from it what the same filter in SQL would)."""
        status_case = (
            "CASE pm.milestone " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in MILESTONE_STATUS.items()) + " END"
        )
        where = [self._v("p")]
        if day is not None:
            where.append("first.first_date IS NOT NULL")
        project_status = "p.status" if day is None else "m.status_as_of"
        return self._kept(
            "projects",
            (day,),
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
            SELECT * FROM listed
            ORDER BY countries, first_date NULLS LAST, name, project_id
            """,
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
            "external_ids": self._select(
                self._kept(
                    "project_external_ids",
                    (),
                    f"SELECT project_id, scheme, external_id, source_id FROM project_external_id x "
                    f"WHERE {self._v('x')} ORDER BY project_id, scheme",
                ),
                "project_id",
                pid,
            ).drop(columns="project_id"),
        }

    def project_amounts(self, project_id: str | None = None) -> pd.DataFrame:
        """Every sourced amount of a project (or of all projects), headline first.

        Amounts describe a project rather than a moment, so they carry no as-of filter;
        as of a date, a project itself is listed only once a milestone shows it existed.
        """
        return self._select(self._kept_amounts(), "project_id", project_id)

    def _kept_amounts(self) -> Held:
        """Every sourced amount of every project (the cached frame)."""
        return self._kept(
            "project_amounts",
            (),
            f"""
            SELECT pa.project_id, pa.amount_kind, pa.value, pa.currency, pa.usd_nominal,
                pa.usd_constant, pa.usd_constant_year, pa.qualifier, pa.confidence,
                row_number() OVER (PARTITION BY pa.project_id, pa.amount_kind
                    ORDER BY {headline.order("pa", "value", "fuzzy_end(s.published)")}) = 1 AS is_headline,
                pa.source_id, {SOURCE_LABEL} AS source_label, s.url AS source_url, pa.note
            FROM project_amount pa
            JOIN source s ON s.source_id = pa.source_id AND {self._v("s")}
            WHERE {self._v("pa")}
            ORDER BY pa.project_id, {_case_order("pa.amount_kind", AMOUNT_KIND_ORDER)},
                is_headline DESC, pa.value
            """,
        )

    def project_milestones(self, project_id: str | None = None, *, as_of: AsOf = None) -> pd.DataFrame:
        day = parse_as_of(as_of)
        held = self._kept(
            "project_milestones",
            (day,),
            f"""
            SELECT pm.project_id, pm.milestone, pm.date, pm.date_start, pm.date_end,
                pm.confidence, pm.source_id, {SOURCE_LABEL} AS source_label,
                s.url AS source_url, pm.note
            FROM (SELECT *, fuzzy_start(date) AS date_start, fuzzy_end(date) AS date_end
                  FROM project_milestone pm WHERE {self._v("pm")}) pm
            JOIN source s ON s.source_id = pm.source_id AND {self._v("s")}
            WHERE {happened_by("pm.date_end", day)}
            ORDER BY pm.project_id, pm.date_start, pm.date_end
            """,
        )
        return self._select(held, "project_id", project_id)

    @staticmethod
    def _select(held: Held, column: str, value: str | None) -> pd.DataFrame:
        """The rows of cached rows whose ``column`` is ``value`` (all of them, as a copy, for None)."""
        return subset(held.frame, None if value is None or value == "" else held.rows_with(column, [value]))

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

        When every newest-vintage value fits in memory (HOLD_OBSERVATIONS), they are read once
        per ``as_of`` (from the HOLD_AFTER-th question on that date) and the filters select
        from them; otherwise each call runs its own query, by integer keys.
        Either way a filter means what it means in SQL: a series is an entity, partner and
        indicator, so selecting before or after choosing each series' newest vintage and
        headline gives the same rows.
        """
        day = parse_as_of(as_of)
        wanted: dict[str, list[str]] = {}
        if indicator:
            codes = self._known(f"SELECT indicator, name FROM indicator i WHERE {self._v('i')}")
            wanted["indicator"] = self._choose_all(indicator, codes, "indicator", "`lazos indicators` lists them")
        if entity:
            wanted["entity"] = [self.resolve_country(entity)]
        if partner:
            wanted["partner"] = [self.resolve_country(partner)]
        held = self._held_observations(day)
        if held is not None:
            every = held.frame
            keep = np.ones(len(every), dtype=bool)
            if not include_alternatives:
                keep &= every["is_headline"].to_numpy(dtype=bool)
            for column, values in wanted.items():
                keep &= held.rows_with(column, values)
            return subset(every, keep)
        args = (day, tuple((k, tuple(v)) for k, v in wanted.items()), include_alternatives)
        return fresh(
            self.memo(
                "observations",
                args,
                lambda: self._df(self._observations_sql(day, self._term_keys(wanted), include_alternatives)),
            )
        )

    def hold(self, as_of: AsOf = None) -> None:
        """Read now every row the questions on a date select from (events, projects, their
        milestones and amounts, and every newest-vintage observation when they fit in memory),
        with the rows of each country, entity and indicator: a server does it at start,
        through lazos.api.Lazos.warm, so that no request pays for it."""
        day = parse_as_of(as_of)
        self._all_events(day).rows_with("country", ())
        self._all_projects(day).rows_with("countries", (), split=";")
        self._kept_amounts().rows_with("project_id", ())
        self.project_milestones(as_of=day)
        if self._holds_observations():
            held = self._all_observations(day)
            for column in ("entity", "indicator", "partner"):
                held.rows_with(column, ())

    def _held_observations(self, day: date | None, ask: bool = True) -> Held | None:
        """Every newest-vintage value as of ``day`` when they are in memory, or when this is
        the HOLD_AFTER-th question on that date (``ask``) and they fit: else None."""
        held = self.cached("all_observations", (day,))
        if held is not None:
            return held
        if not ask or self.asked(("observations", day)) < HOLD_AFTER or not self._holds_observations():
            return None
        return self._all_observations(day)

    def _holds_observations(self) -> bool:
        """Whether every newest-vintage value (of the current view) fits in HOLD_OBSERVATIONS rows."""

        def count() -> bool:
            sql = f"{self._newest(None)} SELECT count(*) FROM newest"
            return int(self.con.execute(sql).fetchall()[0][0]) <= HOLD_OBSERVATIONS

        return bool(self.memo("holds_observations", (), count))

    def _all_observations(self, day: date | None) -> Held:
        """Every value of each series' newest vintage as of ``day``, with whether it is the
        headline (the cached rows, read when _holds_observations())."""
        return self._kept("all_observations", (day,), self._observations_sql(day, None, True))

    def _term_keys(self, wanted: dict[str, list[str]]) -> dict[str, list[int]]:
        """The integer keys observations store ``wanted``'s codes under (a code never stored has none)."""

        def read() -> dict[str, int]:
            return dict(self.con.execute("SELECT term, term_key FROM observation_term").fetchall())

        keys = self.memo("observation_terms", (), read)
        return {column: [keys[v] for v in values if v in keys] for column, values in wanted.items()}

    def _newest(self, day: date | None, keys: dict[str, list[int]] | None = None) -> str:
        """A WITH clause whose ``newest`` holds every sourced value visible as of ``day`` (see
        observations()) that is of its series' newest vintage, by integer keys; ``keys``
        restricts entities, partners or indicators to those keys.

        It reads observation_value by its integer keys (the texts are joined to the few rows
        returned), works out what depends on a source (its label, its vintage) once per
        source and the ends of periods once per period, and keeps each series' newest vintage
        by a grouped maximum joined back (a window over millions of rows takes several times
        longer).
        """
        where = [self._v("o")]
        for column, found in (keys or {}).items():
            where.append(f"o.{column}_key IN ({', '.join(str(k) for k in found)})" if found else "FALSE")
        if day is not None:
            where.append(f"coalesce(fuzzy_end(d.published), s.vintage, p.period_end) <= DATE '{day}'")
        return f"""
            WITH s AS (
                SELECT s.source_key, s.source_id, s.dataset, s.url AS source_url, {SOURCE_LABEL} AS source_label,
                    coalesce(fuzzy_end(s.published), fuzzy_end(s.retrieved)) AS vintage
                FROM source s WHERE {self._v("s")}
            ),
            p AS (
                SELECT term_key, fuzzy_start(term) AS period_start, fuzzy_end(term) AS period_end
                FROM observation_term WHERE regexp_full_match(term, '{FUZZY_DATE}')
            ),
            d AS (
                SELECT e.term_key AS entity_key, x.term_key AS partner_key, i.term_key AS indicator_key,
                    t.term_key AS period_key, s.source_key, d.qualifier, d.confidence, d.published, d.note
                FROM observation_detail d
                JOIN observation_term e ON e.term = d.entity
                LEFT JOIN observation_term x ON x.term = d.partner
                JOIN observation_term i ON i.term = d.indicator
                JOIN observation_term t ON t.term = d.period
                JOIN s ON s.source_id = d.source_id
                WHERE {self._v("d")}
            ),
            kept AS (
                SELECT o.entity_key, o.partner_key, o.indicator_key, o.period_key, o.value, o.source_key,
                    s.source_id, s.dataset, s.vintage, coalesce(d.qualifier, 'exact') AS qualifier,
                    coalesce(d.confidence, 'high') AS confidence, d.published, d.note
                FROM observation_value o
                JOIN s ON s.source_key = o.source_key
                LEFT JOIN d ON d.entity_key = o.entity_key AND d.partner_key IS NOT DISTINCT FROM o.partner_key
                    AND d.indicator_key = o.indicator_key AND d.period_key = o.period_key
                    AND d.source_key = o.source_key
                {"" if day is None else "LEFT JOIN p ON p.term_key = o.period_key"}
                WHERE {" AND ".join(where)}
            ),
            newest AS (
                SELECT k.* FROM kept k LEFT JOIN (
                    SELECT dataset, indicator_key, entity_key, partner_key, max(vintage) AS vintage
                    FROM kept WHERE dataset IS NOT NULL GROUP BY ALL
                ) m ON m.dataset = k.dataset AND m.indicator_key = k.indicator_key AND m.entity_key = k.entity_key
                    AND m.partner_key IS NOT DISTINCT FROM k.partner_key
                WHERE k.dataset IS NULL OR k.vintage IS NOT DISTINCT FROM m.vintage
            )"""

    def _observations_sql(self, day: date | None, keys: dict[str, list[int]] | None, alternatives: bool) -> str:
        return f"""
            {self._newest(day, keys)},
            ranked AS (
                SELECT n.*,
                    row_number() OVER (PARTITION BY entity_key, partner_key, indicator_key, period_key
                        ORDER BY {headline.order("n", "value", "coalesce(fuzzy_end(n.published), n.vintage)")})
                        = 1 AS is_headline,
                    count(*) OVER (PARTITION BY entity_key, partner_key, indicator_key, period_key) - 1
                        AS alternatives
                FROM newest n
            )
            SELECT e.term AS entity, x.term AS partner, t.term AS indicator, i.name AS indicator_name,
                y.term AS period, p.period_start, p.period_end, r.value, i.unit, r.qualifier, r.confidence,
                r.published, r.source_id, s.source_label, s.source_url, r.note, r.is_headline, r.alternatives
            FROM ranked r
            JOIN s ON s.source_key = r.source_key
            JOIN observation_term e ON e.term_key = r.entity_key
            LEFT JOIN observation_term x ON x.term_key = r.partner_key
            JOIN observation_term t ON t.term_key = r.indicator_key
            JOIN observation_term y ON y.term_key = r.period_key
            LEFT JOIN p ON p.term_key = r.period_key
            LEFT JOIN indicator i ON i.indicator = t.term AND {self._v("i")}
            {"" if alternatives else "WHERE r.is_headline"}
            ORDER BY t.term, e.term, x.term NULLS FIRST, p.period_start, p.period_end, r.is_headline DESC,
                r.source_id
            """

    def observation_count(self, *, as_of: AsOf = None) -> int:
        """How many headline values observations(as_of=...) lists (one per entity, partner,
        indicator and period), counted in SQL."""
        day = parse_as_of(as_of)
        held = self._held_observations(day, ask=False)
        if held is not None:
            return int(held.frame["is_headline"].sum())

        def count() -> int:
            sql = f"""{self._newest(day)}
                SELECT count(*) FROM (SELECT DISTINCT entity_key, partner_key, indicator_key, period_key FROM newest)"""
            return int(self.con.execute(sql).fetchall()[0][0])

        return int(self.memo("observation_count", (day,), count))

    def _observations_by_source(self, day: date | None) -> pd.Series:
        """How many values of each source observations(as_of=day, include_alternatives=True) lists."""
        held = self._held_observations(day, ask=False)
        if held is not None:
            return held.frame.groupby("source_id").size()
        sql = f"{self._newest(day)} SELECT source_id, count(*) AS n FROM newest GROUP BY source_id"
        return self.memo("observations_by_source", (day,), lambda: self._df(sql).set_index("source_id")["n"])

    def indicators(self) -> pd.DataFrame:
        """Every indicator with its unit, topic, source and how many values (of every vintage) it has."""
        return fresh(
            self._kept(
                "indicators",
                (),
                f"""
                SELECT i.indicator, i.name, i.unit, i.topic, i.description, i.source_id,
                    coalesce(n.observations, 0) AS observations
                FROM indicator i
                LEFT JOIN (
                    SELECT t.term AS indicator, count(*) AS observations
                    FROM observation_value o
                    JOIN observation_term t ON t.term_key = o.indicator_key
                    WHERE {self._v("o")}
                        AND o.source_key IN (SELECT source_key FROM source)
                    GROUP BY t.term
                ) n ON n.indicator = i.indicator
                WHERE {self._v("i")} ORDER BY i.indicator
                """,
            ).frame
        )

    # ------------------------------------------------------------------ sources

    def sources(self, *, as_of: AsOf = None) -> pd.DataFrame:
        """What the data rest on, with licences and how many facts cite each source.

        As of a date, only sources cited by a fact visible at that date are listed.
        """
        day = parse_as_of(as_of)
        return fresh(self.memo("sources", (day,), lambda: self._sources(day)))

    def _sources(self, day: date | None) -> pd.DataFrame:
        """Sources with the facts citing each, counted from the rows read once per ``as_of``."""
        listed = self._all_projects(day).frame
        amounts = self._kept_amounts().frame
        cited = [
            self._all_events(day).frame["source_id"],
            self.project_milestones(as_of=day)["source_id"],
            amounts.loc[amounts["project_id"].isin(listed["project_id"]), "source_id"],
            listed["source_id"],
        ]
        counts = pd.concat(cited).value_counts()
        counts = counts.add(self._observations_by_source(day), fill_value=0).astype(int).rename("facts")
        df = self._df(
            f"""
            SELECT s.source_id, s.kind, s.title, s.publisher, s.url, s.licence, s.published,
                s.retrieved, s.content_hash, s.dataset, s.cited_in, s.note
            FROM source s WHERE {self._v("s")} ORDER BY s.source_id
            """
        )
        df = df.merge(counts, how="left", left_on="source_id", right_index=True)
        df["facts"] = df["facts"].fillna(0).astype(int)
        if day is not None:
            df = df[df["facts"] > 0].reset_index(drop=True)
        return df

    def source_labels(self) -> pd.DataFrame:
        """Every source's id with the label and address listings show for it."""
        return fresh(
            self._kept(
                "source_labels",
                (),
                f"SELECT s.source_id, {SOURCE_LABEL} AS source_label, s.url AS source_url "
                f"FROM source s WHERE {self._v('s')} ORDER BY s.source_id",
            ).frame
        )

    # ------------------------------------------------------------------ overview

    def undated(self) -> dict[str, int]:
        """Facts with no date, which the current view counts and no as-of question can: events
        none of whose sourced assertions is dated (and how many of them are agreements), and
        projects with no dated milestone."""
        return fresh(self.memo("undated", (), self._undated))

    def _undated(self) -> dict[str, int]:
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

        def read() -> pd.DataFrame:
            df = self._df(
                "SELECT * REPLACE (date_trunc('second', computed_at) AS computed_at) FROM analysis_run "
                "ORDER BY run_id DESC"
            )
            df["current_data"] = df["load_id"] == self.last_load_id()
            return df

        return fresh(self.memo("analysis_runs", (), read))

    # ------------------------------------------------------------------ documents and claims

    def documents(self) -> pd.DataFrame:
        """Documents read by `lazos ingest`, with how many claims each holds."""
        return fresh(self._documents().frame)

    def _documents(self) -> Held:
        return self._kept(
            "documents",
            (),
            f"""
            SELECT d.doc_id, d.name, d.title, d.media_type, d.lang, d.languages, length(d.text) AS chars,
                d.extractor_version, s.url, s.retrieved, s.content_hash, d.source_id,
                (SELECT count(*) FROM claim c WHERE c.doc_id = d.doc_id AND {self._v("c")}) AS claims,
                (SELECT count(*) FROM document_paragraph p WHERE p.doc_id = d.doc_id AND {self._v("p")}
                    AND p.translation_of IS NOT NULL) AS paired_paragraphs
            FROM document d JOIN source s ON s.source_id = d.source_id AND {self._v("s")}
            WHERE {self._v("d")} ORDER BY s.retrieved, d.name
            """,
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
