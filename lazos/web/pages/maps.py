"""Maps drawn on the server as inline SVG, from the shapes in lazos/web/static/map/lac.json.

lac.json (built by scripts/build_assets.mjs from Natural Earth 1:50m) holds the 33 CELAC states
as SVG path data in two views, a main map of Latin America and the Caribbean and an enlarged
Caribbean inset, each with its projection's parameters (d3-geo's azimuthal equal-area). This
module gives the pages two kinds of map, both plain data that ``templates/_map.html`` draws:

- :func:`choropleth`: every state filled by a value's class (a colour-blind-safe sequential scale
  for numbers, an ordered one for grades), each state a link to its profile with a ``<title>``
  naming it and its value, markers on the states too small to see or click, the Caribbean inset
  beside the main map, and a legend with the classes' ranges and "no data";
- :func:`points_map`: one country zoomed in, with points (projects, places) placed by the same
  projection as the shapes (:class:`Projection`, d3's formulas in Python); points outside the
  view are dropped and counted.

Colours are SVG attributes, not CSS, so a map saved as SVG or PNG keeps them.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from markupsafe import Markup

from lazos.web.pages.render import STATIC

MAP_FILE = STATIC / "map" / "lac.json"

# Viridis (matplotlib), at 0, 0.1, ..., 1: perceptually uniform and readable with every common
# colour-vision deficiency and in greyscale.
VIRIDIS = (
    "#440154",
    "#482475",
    "#414487",
    "#355f8d",
    "#2a788e",
    "#21918c",
    "#22a884",
    "#44bf70",
    "#7ad151",
    "#bddf26",
    "#fde725",
)
NO_DATA_FILL = "#f4f4f4"  # under the no-data hatching
NO_DATA_HATCH = "#9aa3ab"
SEA = "#eef3f7"
LAND = "#d9dde1"  # other land (not CELAC)
BORDER = "#ffffff"
INK = "#1b1f24"
HIGHLIGHT = "#0072B2"  # Okabe–Ito blue: the country a points map is about
NEIGHBOUR = "#c3cad1"
POINT = "#D55E00"  # Okabe–Ito vermillion: points on a map

MARKER_RADIUS = {"main": 6.0, "inset": 5.0}  # px in the view's own units: small states' markers
GAP = 30  # between the main map and the inset, in the outer figure's units
INSET_SCALE = 1.125  # the inset beside the main map, drawn larger than its 800 px


# ---------------------------------------------------------------------------------------- the shapes


def _drop_full_view_rings(d: str, width: float, height: float) -> str:
    """Path data without rings that merely outline the whole view (d3 yields one when a clipped
    polygon covers the clip extent; drawn, it would paint the sea grey)."""
    ring = f"M0,0l{_num(width)},0 0,{_num(height)} -{_num(width)},0z"
    return d.replace(ring, "")


def _num(value: float) -> str:
    return f"{value:g}"


@functools.cache
def atlas() -> dict[str, Any]:
    """lac.json, read once (without whole-view rings in the context layers)."""
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    for view in data["views"].values():
        _, _, width, height = view["viewBox"]
        view["context"] = _path_data(_drop_full_view_rings(view["context"], width, height))
    for group in ("states", "territories"):
        for entry in data.get(group, {}).values():
            for view in ("main", "inset"):
                if entry.get(view):
                    entry[view]["d"] = _path_data(entry[view]["d"])
    return data


_PATH_DATA = re.compile(r"^[MLHVZmlhvz0-9eE.,\s-]*$")


def _path_data(d: str) -> Markup:
    """Path data, checked to hold only path commands and numbers, so the templates need not
    escape its 100 KB on every page (nothing in it could need escaping)."""
    if not _PATH_DATA.match(d):
        raise ValueError(f"{MAP_FILE} holds path data with other characters than commands and numbers: {d[:60]!r}")
    return Markup(d)


def states() -> list[str]:
    """The ISO3 codes of the states the map draws (the 33 CELAC states), in code order."""
    return sorted(atlas()["states"])


# ---------------------------------------------------------------------------------------- projection


@dataclass(frozen=True)
class Projection:
    """d3-geo's ``geoAzimuthalEqualArea().rotate([λ, φ]).scale(k).translate([tx, ty])`` with
    ``clipAngle(90)``, in Python: (longitude, latitude) in degrees to (x, y) in the view's
    pixels, or None for a point on the far side of the globe (clipped)."""

    rotate: tuple[float, float]
    scale: float
    translate: tuple[float, float]
    clip_angle: float = 90.0

    def __call__(self, lon: float, lat: float) -> tuple[float, float] | None:
        # Rotation (d3's rotateRadians): longitude by λ, then the sphere about the y axis by φ.
        lam = math.radians(lon + self.rotate[0])
        lam = (lam + math.pi) % (2 * math.pi) - math.pi
        phi = math.radians(lat)
        d_phi = math.radians(self.rotate[1])
        cos_phi = math.cos(phi)
        x, y, z = math.cos(lam) * cos_phi, math.sin(lam) * cos_phi, math.sin(phi)
        k = z * math.cos(d_phi) + x * math.sin(d_phi)
        lam = math.atan2(y, x * math.cos(d_phi) - z * math.sin(d_phi))
        phi = math.asin(max(-1.0, min(1.0, k)))
        # Distance from the centre: the point is drawn when within clip_angle of it.
        cos_c = math.cos(lam) * math.cos(phi)
        if cos_c <= math.cos(math.radians(self.clip_angle)) or cos_c <= -1 + 1e-12:
            return None
        # Lambert azimuthal equal-area (d3's azimuthalEqualAreaRaw), then scale and translate (y down).
        kk = math.sqrt(2 / (1 + cos_c))
        px = kk * math.cos(phi) * math.sin(lam)
        py = kk * math.sin(phi)
        return self.translate[0] + self.scale * px, self.translate[1] - self.scale * py


@functools.cache
def projection(view: str = "main") -> Projection:
    """The projection lac.json records for a view ("main" or "inset")."""
    record = atlas()["views"][view]["projection"]
    if record.get("name") != "geoAzimuthalEqualArea":
        raise ValueError(f"lac.json's {view} view uses {record.get('name')}, which maps.py does not implement")
    if len(record["rotate"]) > 2 and record["rotate"][2]:
        raise ValueError(f"lac.json's {view} projection rotates about a third axis, which maps.py does not implement")
    return Projection(
        rotate=(float(record["rotate"][0]), float(record["rotate"][1])),
        scale=float(record["scale"]),
        translate=(float(record["translate"][0]), float(record["translate"][1])),
        clip_angle=float(record.get("clipAngle") or 180),
    )


# ---------------------------------------------------------------------------------------- colour scales


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in rgb)


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def viridis(n: int, low: float = 0.0, high: float = 1.0) -> list[str]:
    """``n`` colours evenly spaced on viridis between ``low`` and ``high`` (0 dark purple, 1 yellow)."""
    if n <= 0:
        return []
    out = []
    for i in range(n):
        t = low + (high - low) * (i / (n - 1) if n > 1 else 0.5)
        pos = t * (len(VIRIDIS) - 1)
        j = min(int(pos), len(VIRIDIS) - 2)
        f = pos - j
        a, b = _rgb(VIRIDIS[j]), _rgb(VIRIDIS[j + 1])
        out.append(_hex([a[k] + (b[k] - a[k]) * f for k in range(3)]))
    return out


@dataclass(frozen=True)
class LegendEntry:
    """One class of a map's legend: its colour (or the no-data hatching), its printed range or
    grade, and how many states fall in it."""

    colour: str
    label: str
    count: int = 0
    no_data: bool = False


@dataclass(frozen=True)
class Scale:
    """How values become colours. Sequential: ``breaks`` are the classes' edges (k + 1 numbers,
    increasing; a value belongs to the class whose edges hold it, the last class closed);
    ordinal: ``categories`` in order, one colour each. ``labels``: one per class."""

    kind: str
    colours: tuple[str, ...]
    labels: tuple[str, ...]
    breaks: tuple[float, ...] = ()
    categories: tuple[str, ...] = ()

    def index(self, value: Any) -> int | None:
        """The class of a value (None: no value, or a category the scale does not know)."""
        if _missing(value):
            return None
        if self.kind == "ordinal":
            try:
                return self.categories.index(str(value))
            except ValueError:
                return None
        v = float(value)
        for i in range(len(self.colours)):
            if v < self.breaks[i + 1]:
                return i
        return len(self.colours) - 1

    def colour(self, value: Any) -> str | None:
        i = self.index(value)
        return None if i is None else self.colours[i]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def quantile_breaks(values: Iterable[Any], classes: int = 5) -> list[float]:
    """Class edges holding about as many values each (fewer classes when values repeat)."""
    present = sorted(float(v) for v in values if not _missing(v))
    if not present:
        return []
    if present[0] == present[-1]:
        return [present[0], present[0]]
    edges = [present[0]]
    n = len(present)
    for i in range(1, classes):
        pos = (n - 1) * i / classes
        lo = math.floor(pos)
        edge = present[lo] + (present[min(lo + 1, n - 1)] - present[lo]) * (pos - lo)
        if edge > edges[-1]:
            edges.append(edge)
    if present[-1] > edges[-1]:
        edges.append(present[-1])
    else:
        edges[-1] = present[-1]
    return edges


def sequential(
    values: Iterable[Any],
    label: Callable[[float, float], str],
    *,
    classes: int = 5,
    breaks: Sequence[float] | None = None,
) -> Scale:
    """A sequential scale on viridis: fixed class ``breaks`` (k + 1 edges; comparable across years),
    else quantile classes of the values. ``label(low, high)`` prints a class's range."""
    edges = list(breaks) if breaks is not None else quantile_breaks(values, classes)
    if len(edges) < 2:
        return Scale("sequential", (), (), ())
    if edges[0] == edges[-1]:  # one value only: one class
        return Scale("sequential", (viridis(1)[0],), (label(edges[0], edges[-1]),), (edges[0], math.inf))
    k = len(edges) - 1
    colours = tuple(viridis(k, 0.0, 1.0)) if k > 2 else tuple(viridis(k, 0.2, 0.85))
    labels = tuple(label(edges[i], edges[i + 1]) for i in range(k))
    return Scale("sequential", colours, labels, tuple(edges))


def ordinal(categories: Sequence[str], labels: Sequence[str] | None = None, *, reverse: bool = False) -> Scale:
    """An ordered scale (grades best first, say) on viridis: the first category yellow, the last
    dark purple (``reverse`` turns it round)."""
    colours = viridis(len(categories), 0.05, 1.0)[::-1] if not reverse else viridis(len(categories), 0.05, 1.0)
    return Scale("ordinal", tuple(colours), tuple(labels or categories), categories=tuple(str(c) for c in categories))


# ---------------------------------------------------------------------------------------- what is drawn


@dataclass(frozen=True)
class Area:
    """One state in one view: its shape, colour, link and ``title`` (name and value, in words)."""

    iso3: str
    d: str
    fill: str
    title: str
    href: str | None
    marker: tuple[float, float, float] | None = None  # (x, y, r): a small state's circle
    highlight: bool = False
    has_value: bool = True


@dataclass(frozen=True)
class MapPoint:
    """A point placed on a map (a project, a place), with what its link and title say."""

    x: float
    y: float
    r: float
    label: str
    href: str | None


@dataclass(frozen=True)
class Panel:
    """One view drawn in the figure: placed at (x, y, width, height) in the figure's units,
    showing ``viewbox`` of the view's own pixels."""

    view: str
    x: float
    y: float
    width: float
    height: float
    viewbox: str
    context: str
    areas: list[Area]
    label: str = ""
    hidden: bool = False  # a repeat of what another panel holds (the inset): hidden from screen readers
    frame: tuple[float, float, float, float] | None = None  # the inset's outline on the main map
    points: list[MapPoint] = field(default_factory=list)
    stroke: float = 0.6


@dataclass(frozen=True)
class MapFigure:
    """A whole map: ``templates/_map.html`` draws it (``map_svg``, ``legend``, ``map_figure``)."""

    id: str
    title: str
    description: str
    width: float
    height: float
    panels: list[Panel]
    legend: list[LegendEntry] = field(default_factory=list)
    with_value: int = 0
    total: int = 0
    dropped: int = 0  # points outside the view, left out
    key: tuple[float, float] | None = None  # where the legend is drawn in the SVG (for saved images)
    key_title: str = ""

    @property
    def viewbox(self) -> str:
        return f"0 0 {_num(self.width)} {_num(self.height)}"

    @property
    def hatch_id(self) -> str:
        return f"{self.id}-nodata"

    @property
    def areas(self) -> list[Area]:
        """The areas of the first (main) panel: one per state drawn."""
        return self.panels[0].areas


def _view_box(view: str) -> tuple[float, float, float, float]:
    x, y, w, h = atlas()["views"][view]["viewBox"]
    return float(x), float(y), float(w), float(h)


def _box(values: Sequence[float]) -> str:
    return " ".join(_num(round(v, 2)) for v in values)


def choropleth(
    values: Mapping[str, Any],
    scale: Scale,
    *,
    lang: str,
    names: Mapping[str, str],
    text: Callable[[Any], str],
    no_data: str,
    title: str,
    description: str,
    inset_label: str = "Caribbean and Central America (enlarged)",
    map_id: str = "map",
    href: Callable[[str], str] | None = None,
    layout: str = "side",
    key_title: str = "",
) -> MapFigure:
    """The 33 states filled by ``values`` (ISO3 → value or None) on ``scale``.

    ``text(value)`` prints a value ("65.2", "US$1.2B", "BBB"); ``no_data`` says a state has none;
    ``names`` gives the states' names in the page's language; each state links to
    ``href(iso3)`` (default: its profile, /{lang}/countries/ISO3). ``layout``: the inset "side"
    (beside the main map) or "stacked" (below it). ``key_title`` heads the legend drawn in the
    SVG (for saved images; the page shows the HTML legend): default ``title``.
    """
    data = atlas()
    link = href or (lambda iso: f"/{lang}/countries/{iso}")

    def area(iso3: str, view: str) -> Area | None:
        shape = data["states"][iso3].get(view)
        if not shape:
            return None
        value = values.get(iso3)
        colour = scale.colour(value)
        name = names.get(iso3, iso3)
        small = data["states"][iso3]["small"] if view == "main" else bool(shape.get("small"))
        marker = (shape["label"][0], shape["label"][1], MARKER_RADIUS[view]) if small else None
        return Area(
            iso3=iso3,
            d=shape["d"],
            fill=colour or f"url(#{map_id}-nodata)",
            title=f"{name}: {text(value) if colour else no_data}",
            href=link(iso3),
            marker=marker,
            has_value=colour is not None,
        )

    codes = states()
    # Small states last, so their markers are drawn over their neighbours.
    order = sorted(codes, key=lambda iso: (data["states"][iso]["small"], iso))
    main_areas = [a for iso in order if (a := area(iso, "main"))]
    inset_areas = [a for iso in order if (a := area(iso, "inset"))]
    _, _, mw, mh = _view_box("main")
    _, _, iw, ih = _view_box("inset")
    main = Panel(
        "main",
        0,
        0,
        mw,
        mh,
        _box(_view_box("main")),
        data["views"]["main"]["context"],
        main_areas,
        frame=tuple(data["views"]["inset"]["frame_main"]),  # type: ignore[arg-type]
    )
    label_band = 34
    key_height = 60 + 36 * (len(scale.colours) + 1)
    if layout == "stacked":
        k = mw / iw
        inset = Panel(
            "inset",
            0,
            mh + GAP + label_band,
            iw * k,
            ih * k,
            _box(_view_box("inset")),
            data["views"]["inset"]["context"],
            inset_areas,
            label=inset_label,
            hidden=True,
        )
        key = (0.0, inset.y + inset.height + GAP)
        width, height = mw, key[1] + key_height
    else:
        k = INSET_SCALE
        inset = Panel(
            "inset",
            mw + GAP,
            label_band,
            iw * k,
            ih * k,
            _box(_view_box("inset")),
            data["views"]["inset"]["context"],
            inset_areas,
            label=inset_label,
            hidden=True,
        )
        key = (inset.x, inset.y + inset.height + 2 * GAP)
        width, height = mw + GAP + iw * k, max(mh, key[1] + key_height)
    counts = [0] * len(scale.colours)
    missing = 0
    for iso in codes:
        i = scale.index(values.get(iso))
        if i is None:
            missing += 1
        else:
            counts[i] += 1
    legend = [LegendEntry(c, lab, n) for c, lab, n in zip(scale.colours, scale.labels, counts, strict=True)]
    legend.append(LegendEntry(NO_DATA_FILL, no_data, missing, no_data=True))
    return MapFigure(
        id=map_id,
        title=title,
        description=description,
        width=width,
        height=height,
        panels=[main, inset],
        legend=legend,
        with_value=len(codes) - missing,
        total=len(codes),
        key=key,
        key_title=key_title or title,
    )


# ---------------------------------------------------------------------------------------- one country


def _inside(box: Sequence[float], extent: tuple[float, float, float, float], margin: float = 1.0) -> bool:
    x0, y0, x1, y1 = box
    ex, ey, ew, eh = extent
    return x0 > ex + margin and y0 > ey + margin and x1 < ex + ew - margin and y1 < ey + eh - margin


def country_view(iso3: str) -> str:
    """The view that shows a state best: the inset (drawn larger) when the state lies wholly in
    it, else the main map."""
    shape = atlas()["states"][iso3]
    inset = shape.get("inset")
    if inset and _inside(inset["bbox"], _view_box("inset")):
        return "inset"
    return "main"


def _intersects(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _zoom_box(bbox: Sequence[float], view: str, margin: float, min_size: float, aspect: tuple[float, float]):
    """A box around ``bbox`` with a margin, at least ``min_size`` across, its width/height ratio
    kept within ``aspect``, and moved (not cut) to stay inside the view where it can."""
    x0, y0, x1, y1 = bbox
    w, h = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    pad = margin * max(w, h)
    w, h = max(w + 2 * pad, min_size), max(h + 2 * pad, min_size)
    lo, hi = aspect
    if w / h < lo:
        w = h * lo
    elif w / h > hi:
        h = w / hi
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    bx, by = cx - w / 2, cy - h / 2
    ex, ey, ew, eh = _view_box(view)
    if w <= ew:
        bx = min(max(bx, ex), ex + ew - w)
    if h <= eh:
        by = min(max(by, ey), ey + eh - h)
    return bx, by, w, h


def points_map(
    iso3: str,
    points: Sequence[tuple[float, float, str, str | None]],
    *,
    lang: str = "en",
    names: Mapping[str, str] | None = None,
    title: str = "",
    description: str = "",
    map_id: str = "points-map",
    margin: float = 0.12,
    width: float = 800,
) -> MapFigure:
    """``iso3`` zoomed in (its shape highlighted, its neighbours grey and linked), with ``points``
    ((longitude, latitude, label, link or None) each) placed by the view's projection. Points
    outside the view (elsewhere, or on a far-flung island the view leaves out) are dropped and
    counted in ``dropped``. ``title``/``description``: the map's accessible name and summary.
    """
    data = atlas()
    if iso3 not in data["states"]:
        raise ValueError(f"{iso3!r} is not one of the states lac.json draws")
    names = names or {}
    view = country_view(iso3)
    shape = data["states"][iso3][view]
    bx, by, bw, bh = _zoom_box(core_bbox(shape["d"]), view, margin, min_size=30.0, aspect=(0.6, 1.8))
    box = (bx, by, bx + bw, by + bh)
    project = projection(view)
    r = max(bw, bh) * 0.011
    placed, dropped = [], 0
    for lon, lat, label, link in points:
        if _missing(lon) or _missing(lat):
            dropped += 1
            continue
        xy = project(float(lon), float(lat))
        if xy is None or not (box[0] <= xy[0] <= box[2] and box[1] <= xy[1] <= box[3]):
            dropped += 1
            continue
        placed.append(MapPoint(round(xy[0], 2), round(xy[1], 2), r, label, link))
    areas = []
    for code in states():
        other = data["states"][code].get(view)
        if not other or not _intersects(other["bbox"], box):
            continue
        mine = code == iso3
        areas.append(
            Area(
                iso3=code,
                d=other["d"],
                fill=HIGHLIGHT if mine else NEIGHBOUR,
                title=names.get(code, code),
                href=None if mine else f"/{lang}/countries/{code}",
                highlight=mine,
            )
        )
    areas.sort(key=lambda a: a.highlight)  # the country last, over its neighbours' borders
    height = width * bh / bw
    panel = Panel(
        view,
        0,
        0,
        width,
        height,
        _box((bx, by, bw, bh)),
        data["views"][view]["context"],
        areas,
        points=placed,
        stroke=0.8,
    )
    return MapFigure(
        id=map_id, title=title, description=description, width=width, height=height, panels=[panel], dropped=dropped
    )


def rings(d: str) -> list[list[tuple[float, float]]]:
    """The rings of path data as lac.json writes it (absolute moveto, relative linetos, closepath)."""
    out = []
    for ring in re.findall(r"M[^M]*", d):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", ring)]
        x, y = numbers[0], numbers[1]
        points = [(x, y)]
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=False):
            x, y = x + dx, y + dy
            points.append((x, y))
        out.append(points)
    return out


def _bbox(points: Iterable[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = zip(*points, strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _ring_area(points: Sequence[tuple[float, float]]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]], strict=True))) / 2


def core_bbox(d: str, reach: float = 0.5) -> tuple[float, float, float, float]:
    """The box of a state's largest piece and the pieces near it (within ``reach`` times that
    piece's size): Chile without Easter Island, Ecuador without the Galápagos."""
    pieces = [(r, _bbox(r)) for r in rings(d) if len(r) >= 2]
    _, box = max(pieces, key=lambda p: _ring_area(p[0]))
    size = max(box[2] - box[0], box[3] - box[1]) * reach
    near = (box[0] - size, box[1] - size, box[2] + size, box[3] + size)
    kept = [b for _, b in pieces if _intersects(b, near)]
    return min(b[0] for b in kept), min(b[1] for b in kept), max(b[2] for b in kept), max(b[3] for b in kept)
