"""The three GDELT 2.0 file layouts (events, mentions, GKG 2.1) and the Arrow schema of a parsed file.

Column names are spelled exactly as GDELT's codebooks spell them (GDELT-Event_Codebook-V2.0,
GDELT-Global_Knowledge_Graph_Codebook-V2.1), so that users of Spark, DuckDB or BigQuery recognise
them; the events date column is ``Day`` as in the codebook (BigQuery's tables call it ``SQLDATE``).
Each column carries the Arrow type it is parsed to. The Arrow type also says how the text is read:

- ``date32``: ``YYYYMMDD``; ``timestamp[s]``: ``YYYYMMDDHHMMSS`` (GDELT's times are UTC; the
  timestamps carry no zone);
- ``bool``: ``0`` or ``1``; integers: decimal digits with an optional minus sign; ``float64``: a
  finite decimal number;
- strings are kept as written (CAMEO codes such as ``036`` keep their leading zeros).

An empty cell is null in every column. In the mentions layout, ``Actor1CharOffset``,
``Actor2CharOffset`` and ``ActionCharOffset`` are written ``-1`` by GDELT when the actor or action
was not found in the article: that ``-1`` is stored as null (see ``Layout.not_found``).

The GKG layout adds three columns derived from the raw ones, which the China–LAC selection uses:
``Tone`` (the first comma field of ``V1.5TONE``), ``LocationCountries`` (the FIPS country code, third
``#`` field, of each ``;``-separated ``V1LOCATIONS`` entry) and ``Organizations`` (``V1ORGANIZATIONS``
split on ``;``). Empty entries between separators (GDELT ends some lists with ``;``) are not entries.

Rows are unique on ``Layout.key`` within a file: GLOBALEVENTID for events, GKGRECORDID for GKG, and for
mentions GLOBALEVENTID + MentionIdentifier + SentenceID, since a mentions file lists one row per
article that mentions an event (a real file of 2025-08-07 22:00 mentions event 1256322773 in three articles).

A parsed file (``schema(layout)``) has the layout's columns, its derived columns, then ``source_file``
(the file's name), ``line`` (1-based line in the file) and ``error`` (null on a good row; on a bad
row every layout column is null and ``error`` says what was wrong).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

TIMESTAMP = pa.timestamp("s")
STRING = pa.string()


@dataclass(frozen=True)
class Layout:
    """One GDELT 2.0 file layout: its raw columns in file order, with their Arrow types."""

    name: str
    columns: tuple[pa.Field, ...]
    id_column: str  # what a row is about: the event (events, mentions) or the GKG record
    key: tuple[str, ...]  # what makes a row unique within a file: rows repeating an earlier key are duplicates
    not_found: frozenset[str] = frozenset()  # integer columns where GDELT's -1 means "not found" (stored null)
    derived: tuple[pa.Field, ...] = ()  # columns computed from the raw ones, after them in the schema

    @property
    def names(self) -> list[str]:
        """The raw column names, in file order."""
        return [f.name for f in self.columns]

    @property
    def field_count(self) -> int:
        """How many tab-separated fields a line of this layout has."""
        return len(self.columns)


def _fields(*pairs: tuple[str, pa.DataType]) -> tuple[pa.Field, ...]:
    return tuple(pa.field(name, kind) for name, kind in pairs)


def _actor(n: int) -> list[tuple[str, pa.DataType]]:
    parts = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code")
    types = ("Type1Code", "Type2Code", "Type3Code")
    return [(f"Actor{n}{part}", STRING) for part in parts + types]


def _geo(prefix: str) -> list[tuple[str, pa.DataType]]:
    return [
        (f"{prefix}_Type", pa.int8()),
        (f"{prefix}_FullName", STRING),
        (f"{prefix}_CountryCode", STRING),
        (f"{prefix}_ADM1Code", STRING),
        (f"{prefix}_ADM2Code", STRING),
        (f"{prefix}_Lat", pa.float64()),
        (f"{prefix}_Long", pa.float64()),
        (f"{prefix}_FeatureID", STRING),
    ]


EVENTS = Layout(
    name="events",
    columns=_fields(
        ("GLOBALEVENTID", pa.int64()),
        ("Day", pa.date32()),
        ("MonthYear", pa.int32()),
        ("Year", pa.int32()),
        ("FractionDate", pa.float64()),
        *_actor(1),
        *_actor(2),
        ("IsRootEvent", pa.bool_()),
        ("EventCode", STRING),
        ("EventBaseCode", STRING),
        ("EventRootCode", STRING),
        ("QuadClass", pa.int8()),
        ("GoldsteinScale", pa.float64()),
        ("NumMentions", pa.int32()),
        ("NumSources", pa.int32()),
        ("NumArticles", pa.int32()),
        ("AvgTone", pa.float64()),
        *_geo("Actor1Geo"),
        *_geo("Actor2Geo"),
        *_geo("ActionGeo"),
        ("DATEADDED", TIMESTAMP),
        ("SOURCEURL", STRING),
    ),
    id_column="GLOBALEVENTID",
    key=("GLOBALEVENTID",),
)

MENTIONS = Layout(
    name="mentions",
    columns=_fields(
        ("GLOBALEVENTID", pa.int64()),
        ("EventTimeDate", TIMESTAMP),
        ("MentionTimeDate", TIMESTAMP),
        ("MentionType", pa.int8()),
        ("MentionSourceName", STRING),
        ("MentionIdentifier", STRING),
        ("SentenceID", pa.int32()),
        ("Actor1CharOffset", pa.int32()),
        ("Actor2CharOffset", pa.int32()),
        ("ActionCharOffset", pa.int32()),
        ("InRawText", pa.bool_()),
        ("Confidence", pa.int8()),
        ("MentionDocLen", pa.int32()),
        ("MentionDocTone", pa.float64()),
        ("MentionDocTranslationInfo", STRING),
        ("Extras", STRING),
    ),
    id_column="GLOBALEVENTID",
    # an event is mentioned once per article (and sentence): one file mentions an event many times
    key=("GLOBALEVENTID", "MentionIdentifier", "SentenceID"),
    not_found=frozenset({"Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset"}),
)

_GKG_STRINGS = (
    "V2SOURCECOMMONNAME",
    "V2DOCUMENTIDENTIFIER",
    "V1COUNTS",
    "V2.1COUNTS",
    "V1THEMES",
    "V2ENHANCEDTHEMES",
    "V1LOCATIONS",
    "V2ENHANCEDLOCATIONS",
    "V1PERSONS",
    "V2ENHANCEDPERSONS",
    "V1ORGANIZATIONS",
    "V2ENHANCEDORGANIZATIONS",
    "V1.5TONE",
    "V2.1ENHANCEDDATES",
    "V2GCAM",
    "V2.1SHARINGIMAGE",
    "V2.1RELATEDIMAGES",
    "V2.1SOCIALIMAGEEMBEDS",
    "V2.1SOCIALVIDEOEMBEDS",
    "V2.1QUOTATIONS",
    "V2.1ALLNAMES",
    "V2.1AMOUNTS",
    "V2.1TRANSLATIONINFO",
    "V2EXTRASXML",
)

GKG = Layout(
    name="gkg",
    columns=_fields(
        ("GKGRECORDID", STRING),
        ("V2.1DATE", TIMESTAMP),
        ("V2SOURCECOLLECTIONIDENTIFIER", pa.int8()),
        *[(name, STRING) for name in _GKG_STRINGS],
    ),
    id_column="GKGRECORDID",
    key=("GKGRECORDID",),
    derived=_fields(
        ("Tone", pa.float64()),
        ("LocationCountries", pa.list_(STRING)),
        ("Organizations", pa.list_(STRING)),
    ),
)

LAYOUTS: dict[str, Layout] = {"events": EVENTS, "mentions": MENTIONS, "gkg": GKG}

# The columns every parsed table ends with.
PROVENANCE = _fields(("source_file", STRING), ("line", pa.int32()), ("error", STRING))


def schema(layout: Layout) -> pa.Schema:
    """The schema of a parsed file: the layout's columns, its derived columns, then provenance."""
    return pa.schema([*layout.columns, *layout.derived, *PROVENANCE])
