"""The web app's built assets (`make assets`): the map's shapes in lazos/web/static/map/lac.json and the
vendored chart scripts in lazos/web/static/vendor/, checked against the database and package.json."""

from __future__ import annotations

import gzip
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "lazos" / "web" / "static"
LAC = STATIC / "map" / "lac.json"
VENDOR = STATIC / "vendor"
VENDORED = {"vega": "vega.min.js", "vega-lite": "vega-lite.min.js", "vega-embed": "vega-embed.min.js"}

ISLAND_STATES = {"ATG", "BHS", "BRB", "CUB", "DMA", "DOM", "GRD", "HTI", "JAM", "KNA", "LCA", "TTO", "VCT"}
SMALLEST_STATES = {"ATG", "BRB", "DMA", "GRD", "KNA", "LCA", "VCT"}

# SVG path data as the build writes it: commands and numbers only, starting with a moveto.
_NUMBER = r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
PATH_DATA = re.compile(
    rf"^(?:[Mm]\s*{_NUMBER}[\s,]*{_NUMBER}(?:[\s,]*[MmLlHhVvCcSsQqTtAaZz]?[\s,]*{_NUMBER})*\s*[Zz]?)+$"
)
# One ring: moveto, at least two relative lineto steps, closepath.
RING = re.compile(rf"M{_NUMBER},{_NUMBER}l{_NUMBER},{_NUMBER}(?: {_NUMBER},{_NUMBER})+z")


@pytest.fixture(scope="module")
def lac() -> dict:
    return json.loads(LAC.read_text(encoding="utf-8"))


def _paths(lac: dict):
    """Every (where, path data) pair in lac.json."""
    for view in ("main", "inset"):
        yield f"views.{view}.context", lac["views"][view]["context"]
    for group in ("states", "territories"):
        for iso3, entry in lac[group].items():
            for view in ("main", "inset"):
                if entry.get(view):
                    yield f"{group}.{iso3}.{view}", entry[view]["d"]


def test_map_holds_exactly_the_celac_states_of_the_database(api, lac):
    frame = api.countries().frame
    celac = set(frame.loc[frame["celac"].astype(bool) & (frame["kind"] == "state"), "iso3"])
    assert len(celac) == 33
    assert set(lac["states"]) == celac
    for iso3, state in lac["states"].items():
        assert state["main"]["area"] > 0, iso3
        x0, y0, x1, y1 = state["main"]["bbox"]
        _, _, width, height = lac["views"]["main"]["viewBox"]
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, iso3


def test_every_path_is_svg_path_data(lac):
    count = 0
    for where, d in _paths(lac):
        assert d, where
        assert PATH_DATA.match(d), f"{where}: not SVG path data: {d[:80]}"
        assert RING.sub("", d) == "", f"{where}: not a sequence of closed rings"
        count += 1
    assert count >= 2 + 33 + len(ISLAND_STATES)


def _rings(d: str) -> list[list[tuple[float, float]]]:
    """The rings of path data as the build writes it, as absolute points."""
    rings = []
    for ring in RING.findall(d):
        numbers = [float(n) for n in re.findall(_NUMBER, ring)]
        x, y = numbers[0], numbers[1]
        points = [(x, y)]
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        rings.append(points)
    return rings


def _area(d: str) -> float:
    """The area (px², signed rings summed) enclosed by path data."""
    return sum(
        sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2
        for ring in _rings(d)
    )


def _inside(point: list[float], d: str) -> bool:
    x, y = point
    inside = False
    for ring in _rings(d):
        for (xi, yi), (xj, yj) in zip(ring, ring[-1:] + ring[:-1], strict=True):
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                inside = not inside
    return inside


def test_drawn_areas_are_sane_no_ring_is_inside_out(lac):
    """Sea stays sea: the context layer and the states cover part of each view, never all of it."""
    for view in ("main", "inset"):
        record = lac["views"][view]
        whole = record["width"] * record["height"]
        context = _area(record["context"])
        states = [s[view] for s in lac["states"].values() if s[view]]
        land = sum(_area(s["d"]) for s in states)
        assert 0.01 * whole < context < 0.5 * whole, view
        assert 0.05 * whole < land < 0.7 * whole, view
        for state in states:
            assert _area(state["d"]) == pytest.approx(state["area"], rel=1e-3, abs=0.05)


def test_inset_holds_every_caribbean_island_state(lac):
    inset = lac["views"]["inset"]
    assert set(inset["states"]) >= ISLAND_STATES
    assert {iso3 for iso3, s in lac["states"].items() if s["island"]} == ISLAND_STATES
    for iso3 in ISLAND_STATES:
        geometry = lac["states"][iso3]["inset"]
        assert geometry is not None and geometry["area"] >= 1, iso3
        x, y = geometry["label"]
        assert 0 <= x <= inset["width"] and 0 <= y <= inset["height"], iso3
    # Places far from the Caribbean are not in it.
    for iso3 in ("ARG", "BRA", "CHL", "URY"):
        assert lac["states"][iso3]["inset"] is None, iso3
    x0, y0, x1, y1 = inset["frame_main"]
    for iso3 in ISLAND_STATES:
        cx, cy = lac["states"][iso3]["main"]["centroid"]
        assert x0 <= cx <= x1 and y0 <= cy <= y1, f"{iso3} lies outside the inset's frame on the main map"


def test_small_flags_mark_the_smallest_states_and_only_them(lac):
    states = lac["states"]
    small = {iso3 for iso3, s in states.items() if s["small"]}
    assert small >= SMALLEST_STATES
    assert not small & {"BRA", "MEX", "ARG", "CUB", "JAM", "SLV"}
    threshold = lac["small"]["area_px2"]
    for iso3 in SMALLEST_STATES:
        assert states[iso3]["main"]["area"] < threshold, iso3
    # Equal-area projection: the areas rank as the countries' land areas do.
    areas = {iso3: s["main"]["area"] for iso3, s in states.items()}
    assert max(areas, key=areas.get) == "BRA"
    assert areas["ARG"] > areas["MEX"] > areas["PER"] > areas["COL"] > areas["BOL"] > areas["VEN"]
    assert areas["KNA"] == min(areas.values())


def test_label_points_lie_inside_their_state(lac):
    """Labels and markers go at `label`, which is on the state's land (a centroid can fall in the sea)."""
    for view in ("main", "inset"):
        for iso3, state in lac["states"].items():
            if state[view] is not None:
                assert _inside(state[view]["label"], state[view]["d"]), (view, iso3)
    assert not _inside(lac["states"]["BHS"]["main"]["centroid"], lac["states"]["BHS"]["main"]["d"])


def test_map_records_its_source_and_projections(lac):
    assert lac["source"]["name"].startswith("Natural Earth 1:50m via world-atlas 2.0.2")
    assert "public domain" in lac["source"]["licence"]
    for view in ("main", "inset"):
        record = lac["views"][view]
        projection = record["projection"]
        assert projection["name"] == "geoAzimuthalEqualArea"
        assert record["viewBox"] == [0, 0, record["width"], record["height"]]
        assert projection["clipExtent"] == [[0, 0], [record["width"], record["height"]]]


def _project(projection: dict, lon: float, lat: float) -> tuple[float, float]:
    """d3-geo's geoAzimuthalEqualArea with rotate [λ0, φ0], scale and translate, in plain Python."""
    lam0, phi0 = (math.radians(v) for v in projection["rotate"])
    lam, phi = math.radians(lon) + lam0, math.radians(lat)
    x, y, z = math.cos(lam) * math.cos(phi), math.sin(lam) * math.cos(phi), math.sin(phi)
    lam = math.atan2(y, x * math.cos(phi0) - z * math.sin(phi0))
    phi = math.asin(z * math.cos(phi0) + x * math.sin(phi0))
    k = math.sqrt(2 / (1 + math.cos(lam) * math.cos(phi)))
    tx, ty = projection["translate"]
    scale = projection["scale"]
    return tx + scale * k * math.cos(phi) * math.sin(lam), ty - scale * k * math.sin(phi)


def test_recorded_projection_parameters_place_known_points(lac):
    """The parameters in lac.json are enough to put a longitude/latitude on either view (project points)."""
    for view in ("main", "inset"):
        projection = lac["views"][view]["projection"]
        assert len(projection["checkpoints"]) >= 3
        for point in projection["checkpoints"]:
            x, y = _project(projection, *point["lonlat"])
            assert x == pytest.approx(point["xy"][0], abs=0.01) and y == pytest.approx(point["xy"][1], abs=0.01)
    # Bridgetown lands on Barbados's marker on the main map.
    barbados = lac["states"]["BRB"]["main"]
    x, y = _project(lac["views"]["main"]["projection"], -59.617, 13.1)
    assert math.dist((x, y), barbados["label"]) < 5


def test_assets_stay_under_their_size_budget(lac):
    raw = LAC.stat().st_size
    assert raw < 350_000, f"lac.json is {raw} bytes"
    vendor = {name: (VENDOR / file).read_bytes() for name, file in VENDORED.items()}
    total = sum(len(data) for data in vendor.values())
    gzipped = sum(len(gzip.compress(data, 9)) for data in vendor.values())
    print(f"lac.json {raw} bytes; vendor JS {total} bytes, {gzipped} gzipped")
    # The overview's whole first load must stay under 1.5 MB; the chart scripts may take about half.
    assert total < 900_000
    assert gzipped < 320_000


def test_vendor_readme_and_files_match_package_json():
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    pinned = package["dependencies"] | package["devDependencies"]
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| ([a-z-]+) \| (\d+\.\d+\.\d+) \|", readme, flags=re.MULTILINE))
    assert rows == {name: pinned[name] for name in VENDORED}
    for name, file in VENDORED.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", pinned[name]), f"{name} is not pinned exactly"
        head = (VENDOR / file).read_text(encoding="utf-8")[:400]
        assert "function" in head and ("define.amd" in head), f"{file} is not a UMD build"
        assert "sourceMappingURL" not in (VENDOR / file).read_text(encoding="utf-8")[-200:]
        assert (VENDOR / "LICENSES" / f"{name}.txt").read_text(encoding="utf-8").startswith(f"{name} {pinned[name]}")
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["lockfileVersion"] == 3
    for name, version in pinned.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name


def test_rebuilding_the_assets_reproduces_the_committed_files(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; the committed assets cannot be rebuilt here")
    if not (ROOT / "node_modules" / ".package-lock.json").exists():
        pytest.skip("node_modules is absent (run `make assets` or npm ci to install it)")
    for run in ("first", "second"):
        out = tmp_path / run
        result = subprocess.run(
            [node, str(ROOT / "scripts" / "build_assets.mjs"), "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    built = sorted(p.relative_to(tmp_path / "first") for p in (tmp_path / "first").rglob("*") if p.is_file())
    assert built == sorted(p.relative_to(tmp_path / "second") for p in (tmp_path / "second").rglob("*") if p.is_file())
    for relative in built:
        data = (tmp_path / "first" / relative).read_bytes()
        assert data == (tmp_path / "second" / relative).read_bytes(), f"{relative} differs between two builds"
        assert data == (STATIC / relative).read_bytes(), f"{relative} differs from the committed file (run make assets)"
