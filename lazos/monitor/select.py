"""The ``select`` stage: the rows of parsed GDELT tables that involve China and a Latin American or
Caribbean (LAC) state.

- ``LAC_FIPS_TO_ISO3``: the 35 LAC states' FIPS 10-4 codes (GDELT's geographic country codes) and their
  ISO3 codes (which CAMEO uses, as ``Actor1CountryCode``/``Actor2CountryCode``, for the same states);
  China is ``CH`` in FIPS and ``CHN`` in CAMEO.
- ``select_events``, ``select_gkg``: the China–LAC rows, with two columns added: ``country``, the ISO3
  code of the LAC state involved, and ``match``, how the row was found (``"actor"``, ``"geo"`` or
  ``"entity"``, see each function). ``selected_schema(layout)`` is their output schema.
- ``select_mentions``: the mentions of given events; ``select_batch``: the stage by kind.
- ``mark_events``, ``mark_gkg``, ``mark_mentions``, ``mark``: every row, the selection marked in
  ``country`` and ``match`` (null where not chosen); the ``select_*`` functions keep the marked rows.

Rows whose ``error`` is set (bad lines, see parse.py) always pass through, with ``country`` and
``match`` null, so that problems reach the end of the pipeline.

Known entities (Chinese companies, banks, projects) are matched by name: a name matches when, after
lower-casing and collapsing runs of white space, it equals an entity's name or contains it as a whole
word (bounded by the text's ends or by characters that are neither letters nor digits).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lazos.monitor.layouts import LAYOUTS, Layout, schema

CHINA_FIPS = "CH"
CHINA_CAMEO = "CHN"

# FIPS 10-4 (GDELT geo codes) → ISO3 (CAMEO actor codes), for the LAC states.
LAC_FIPS_TO_ISO3: dict[str, str] = {
    "AC": "ATG",  # Antigua and Barbuda
    "AR": "ARG",  # Argentina
    "BF": "BHS",  # Bahamas
    "BB": "BRB",  # Barbados
    "BH": "BLZ",  # Belize
    "BL": "BOL",  # Bolivia
    "BR": "BRA",  # Brazil
    "CI": "CHL",  # Chile
    "CO": "COL",  # Colombia
    "CS": "CRI",  # Costa Rica
    "CU": "CUB",  # Cuba
    "DO": "DMA",  # Dominica
    "DR": "DOM",  # Dominican Republic
    "EC": "ECU",  # Ecuador
    "ES": "SLV",  # El Salvador
    "GJ": "GRD",  # Grenada
    "GT": "GTM",  # Guatemala
    "GY": "GUY",  # Guyana
    "HA": "HTI",  # Haiti
    "HO": "HND",  # Honduras
    "JM": "JAM",  # Jamaica
    "MX": "MEX",  # Mexico
    "NU": "NIC",  # Nicaragua
    "PM": "PAN",  # Panama
    "PA": "PRY",  # Paraguay
    "PE": "PER",  # Peru
    "SC": "KNA",  # Saint Kitts and Nevis
    "ST": "LCA",  # Saint Lucia
    "VC": "VCT",  # Saint Vincent and the Grenadines
    "NS": "SUR",  # Suriname
    "TD": "TTO",  # Trinidad and Tobago
    "UY": "URY",  # Uruguay
    "VE": "VEN",  # Venezuela
    "VI": "VGB",  # British Virgin Islands
    "CJ": "CYM",  # Cayman Islands
}
LAC_ISO3 = frozenset(LAC_FIPS_TO_ISO3.values())

SELECTION_FIELDS = (pa.field("country", pa.string()), pa.field("match", pa.string()))
_ACTOR_CODES = ("Actor1CountryCode", "Actor2CountryCode")
_GEO_CODES = ("ActionGeo_CountryCode", "Actor1Geo_CountryCode", "Actor2Geo_CountryCode")  # order for ``country``
_RE2_SPECIAL = set("\\.+*?()|[]{}^$")

_FIPS = pa.array(list(LAC_FIPS_TO_ISO3))
_ISO3_OF_FIPS = pa.array(list(LAC_FIPS_TO_ISO3.values()))
_ISO3 = pa.array(sorted(LAC_ISO3))


def selected_schema(layout: Layout) -> pa.Schema:
    """The schema ``select_events`` and ``select_gkg`` return: the parsed schema, ``country``, ``match``."""
    return pa.schema([*schema(layout), *SELECTION_FIELDS])


# --- building blocks --------------------------------------------------------------------------------


def _true(mask: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A mask where null (unknown) counts as false."""
    return pc.fill_null(mask, False)


def _any(masks: Sequence[pa.Array | pa.ChunkedArray]) -> pa.Array | pa.ChunkedArray:
    result = masks[0]
    for mask in masks[1:]:
        result = pc.or_(result, mask)
    return result


def _lac_of_actor(codes: pa.ChunkedArray) -> pa.ChunkedArray:
    """The CAMEO country code where it is a LAC state's, else null."""
    return pc.if_else(_true(pc.is_in(codes, value_set=_ISO3)), codes, pa.scalar(None, pa.string()))


def _lac_of_geo(codes: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """The ISO3 code of a LAC state's FIPS code, else null."""
    return pc.take(_ISO3_OF_FIPS, pc.index_in(codes, value_set=_FIPS))


def _normalise(name: str) -> str:
    return " ".join(name.split()).lower()


def _re2_escape(text: str) -> str:
    return "".join("\\" + c if c in _RE2_SPECIAL else c for c in text)


def _names_matching(names: pa.Array | pa.ChunkedArray, entities: Sequence[str]) -> pa.Array:
    """True where a name equals a known entity or contains one as a whole word (case and spacing aside).

    Names repeat a lot (actor names, organisations), so each distinct name is matched once."""
    wanted = sorted({_normalise(e) for e in entities if e.strip()}, key=len, reverse=True)
    if not wanted:
        return pa.array(np.zeros(len(names), bool))
    encoded = pc.dictionary_encode(names.combine_chunks() if isinstance(names, pa.ChunkedArray) else names)
    spaced = pc.utf8_trim_whitespace(pc.replace_substring_regex(encoded.dictionary, r"\s+", " "))
    pattern = r"(?:^|[^\pL\pN])(?:" + "|".join(_re2_escape(e) for e in wanted) + r")(?:$|[^\pL\pN])"
    return _true(pc.take(pc.match_substring_regex(pc.utf8_lower(spaced), pattern), encoded.indices))


def _marked(table: pa.Table, country: pa.Array, match: pa.Array, layout: Layout) -> pa.Table:
    """``table`` with ``country`` and ``match`` added on every row."""
    out = table.append_column(SELECTION_FIELDS[0], country).append_column(SELECTION_FIELDS[1], match)
    return out.cast(selected_schema(layout))


def _kept(marked: pa.Table) -> pa.Table:
    """The chosen rows of a marked table (``match`` set) and every error row."""
    return marked.filter(pc.or_(pc.is_valid(marked["match"]), pc.is_valid(marked["error"])))


def _labels(good: pa.Array | pa.ChunkedArray, rules: Sequence[tuple[pa.Array | pa.ChunkedArray, str]]) -> pa.Array:
    """For each row: the label of the first rule that holds, null where none does or the row is not ``good``."""
    label = pa.nulls(len(good), pa.string())
    for mask, name in reversed(rules):
        label = pc.if_else(_true(mask), pa.scalar(name), label)
    return pc.if_else(_true(good), label, pa.scalar(None, pa.string()))


def _check_columns(table: pa.Table, layout: Layout) -> None:
    missing = [f.name for f in schema(layout) if f.name not in table.column_names]
    if missing:
        raise ValueError(f"not a parsed GDELT {layout.name} table: missing column(s) {', '.join(missing)}")


# --- events -------------------------------------------------------------------------------------------


def select_events(table: pa.Table, entities: Sequence[str] = ()) -> pa.Table:
    """The events that involve China and a LAC state (and every error row), with ``country`` and ``match``
    (see ``mark_events``)."""
    return _kept(mark_events(table, entities))


def mark_events(table: pa.Table, entities: Sequence[str] = ()) -> pa.Table:
    """Every event, with ``country`` and ``match`` set where it involves China and a LAC state.

    China: an actor country code ``CHN``, a geo country code ``CH``, or (with ``entities``) an actor
    name that names a known entity. LAC: an actor country code in ``LAC_ISO3`` or a geo country code in
    ``LAC_FIPS_TO_ISO3``. ``country`` is the first LAC state found in the order Actor1CountryCode,
    Actor2CountryCode, ActionGeo_, Actor1Geo_, Actor2Geo_CountryCode. ``match`` is ``"actor"`` when
    China and the LAC state both come from actor country codes, ``"entity"`` when China comes only from
    a known name, else ``"geo"``.
    """
    layout = LAYOUTS["events"]
    _check_columns(table, layout)
    china_actor = _any([_true(pc.equal(table[c], CHINA_CAMEO)) for c in _ACTOR_CODES])
    china_geo = _any([_true(pc.equal(table[c], CHINA_FIPS)) for c in _GEO_CODES])
    if entities:
        china_entity = _any([_names_matching(table[c], entities) for c in ("Actor1Name", "Actor2Name")])
    else:
        china_entity = pa.array(np.zeros(table.num_rows, bool))
    lac_actors = [_lac_of_actor(table[c]) for c in _ACTOR_CODES]
    lac_geos = [_lac_of_geo(table[c]) for c in _GEO_CODES]
    lac_actor = _any([pc.is_valid(a) for a in lac_actors])
    lac = _any([lac_actor, *[pc.is_valid(g) for g in lac_geos]])
    good = pc.and_(pc.is_null(table["error"]), pc.and_(_any([china_actor, china_geo, china_entity]), lac))
    country = pc.if_else(good, pc.coalesce(*lac_actors, *lac_geos), pa.scalar(None, pa.string()))
    entity_only = pc.and_not(china_entity, pc.or_(china_actor, china_geo))
    match = _labels(good, [(pc.and_(china_actor, lac_actor), "actor"), (entity_only, "entity"), (good, "geo")])
    return _marked(table, country, match, layout)


# --- GKG ----------------------------------------------------------------------------------------------


def _per_row(lists: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """The flattened values of a list column and the row of each."""
    combined = lists.combine_chunks() if isinstance(lists, pa.ChunkedArray) else lists
    return pc.list_flatten(combined), pc.list_parent_indices(combined).to_numpy()


def _rows_with(mask: pa.Array, parents: np.ndarray, rows: int) -> pa.Array:
    """True for each row that has at least one flattened value where ``mask`` holds."""
    found = np.zeros(rows, bool)
    found[parents[_true(mask).to_numpy(zero_copy_only=False)]] = True
    return pa.array(found)


def _first_lac(values: pa.Array, parents: np.ndarray, rows: int) -> pa.Array:
    """For each row, the ISO3 code of its first LAC location (null when it has none)."""
    iso3 = _lac_of_geo(values)
    where = np.flatnonzero(pc.is_valid(iso3).to_numpy(zero_copy_only=False))
    firsts = np.full(rows, -1, np.int64)
    row_of, first = np.unique(parents[where], return_index=True)
    firsts[row_of] = where[first]
    return pc.take(iso3, pa.array(firsts, mask=firsts < 0))


def select_gkg(table: pa.Table, entities: Sequence[str] = ()) -> pa.Table:
    """The GKG records that involve China and a LAC state (and every error row), with ``country`` and
    ``match`` (see ``mark_gkg``)."""
    return _kept(mark_gkg(table, entities))


def mark_gkg(table: pa.Table, entities: Sequence[str] = ()) -> pa.Table:
    """Every GKG record, with ``country`` and ``match`` set where it involves China and a LAC state.

    A record is kept when its ``LocationCountries`` hold ``CH`` and a LAC FIPS code (``match`` =
    ``"geo"``), or when one of its ``Organizations`` names a known entity and its locations hold a LAC
    code (``"entity"``). ``country`` is the ISO3 code of its first LAC location.
    """
    layout = LAYOUTS["gkg"]
    _check_columns(table, layout)
    rows = table.num_rows
    places, place_rows = _per_row(table["LocationCountries"])
    china = _rows_with(pc.equal(places, CHINA_FIPS), place_rows, rows)
    country = _first_lac(places, place_rows, rows)
    lac = pc.is_valid(country)
    entity = pa.array(np.zeros(rows, bool))
    if entities:
        names, name_rows = _per_row(table["Organizations"])
        entity = _rows_with(_names_matching(names, entities), name_rows, rows)
    good = pc.and_(pc.is_null(table["error"]), pc.and_(pc.or_(china, entity), lac))
    country = pc.if_else(good, country, pa.scalar(None, pa.string()))
    match = _labels(good, [(china, "geo"), (entity, "entity")])
    return _marked(table, country, match, layout)


# --- mentions and the Ray stage -----------------------------------------------------------------------


def select_mentions(table: pa.Table, event_ids: pa.Array | pa.ChunkedArray | Sequence[int]) -> pa.Table:
    """The mentions of the events ``event_ids`` (GLOBALEVENTIDs), and every error row; columns unchanged."""
    return _kept(mark_mentions(table, event_ids)).drop_columns([f.name for f in SELECTION_FIELDS])


def mark_mentions(table: pa.Table, event_ids: pa.Array | pa.ChunkedArray | Sequence[int]) -> pa.Table:
    """Every mention, with ``match`` = ``"event"`` where it mentions one of ``event_ids`` (``country``
    stays null: a mention's country is its event's)."""
    _check_columns(table, LAYOUTS["mentions"])
    if isinstance(event_ids, pa.ChunkedArray):
        event_ids = event_ids.combine_chunks()
    ids = pc.cast(event_ids if isinstance(event_ids, pa.Array) else pa.array(list(event_ids)), pa.int64())
    kept = pc.and_(_true(pc.is_in(table["GLOBALEVENTID"], value_set=ids)), pc.is_null(table["error"]))
    match = pc.if_else(kept, pa.scalar("event"), pa.scalar(None, pa.string()))
    return _marked(table, pa.nulls(table.num_rows, pa.string()), match, LAYOUTS["mentions"])


def mark(
    batch: pa.Table,
    kind: str,
    entities: Sequence[str] = (),
    event_ids: pa.Array | pa.ChunkedArray | Sequence[int] | None = None,
) -> pa.Table:
    """Every row of a parsed batch with ``country`` and ``match`` (null where not chosen): what the
    pipeline streams on, the selection marked. ``event_ids`` (mentions only) as for ``select_batch``."""
    if kind == "mentions":
        return mark_mentions(batch, event_ids if event_ids is not None else [])
    return mark_events(batch, entities) if kind == "events" else mark_gkg(batch, entities)


def select_batch(
    batch: pa.Table,
    kind: str,
    entities: Sequence[str] = (),
    event_ids: pa.Array | pa.ChunkedArray | Sequence[int] | None = None,
) -> pa.Table:
    """The Ray Data stage: ``select_events``, ``select_gkg`` or ``select_mentions`` by ``kind``.

    ``entities`` serve events and GKG; ``event_ids`` (required for mentions, refused otherwise) are the
    selected events whose mentions are kept. Use with
    ``ds.map_batches(select_batch, batch_format="pyarrow", fn_kwargs={"kind": "events", "entities": names})``.
    """
    if kind not in LAYOUTS:
        raise ValueError(f"unknown GDELT kind {kind!r}: expected one of {', '.join(LAYOUTS)}")
    if kind == "mentions":
        if event_ids is None:
            raise ValueError("selecting mentions needs event_ids (the GLOBALEVENTIDs of the selected events)")
        return select_mentions(batch, event_ids)
    if event_ids is not None:
        raise ValueError(f"event_ids select mentions, not {kind}")
    return select_events(batch, entities) if kind == "events" else select_gkg(batch, entities)
