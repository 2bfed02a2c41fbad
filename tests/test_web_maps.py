"""The server-drawn maps (lazos/web/pages/maps.py, templates/_map.html): the projection in Python
places known points where d3 did, every capital inside its country, points outside a view
dropped and counted, the choropleth's 33 linked states with markers on the small ones, its
classes and legend, and SVG that a browser can save as a file."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from lazos.web.pages import maps
from lazos.web.pages.render import environment

# Capitals (seat of government), longitude and latitude in degrees.
CAPITALS = {
    "ARG": (-58.38, -34.60),
    "ATG": (-61.85, 17.12),
    "BHS": (-77.35, 25.06),
    "BLZ": (-88.77, 17.25),
    "BOL": (-68.15, -16.50),
    "BRA": (-47.88, -15.79),
    "BRB": (-59.62, 13.10),
    "CHL": (-70.67, -33.45),
    "COL": (-74.08, 4.71),
    "CRI": (-84.09, 9.93),
    "CUB": (-82.38, 23.13),
    "DMA": (-61.39, 15.30),
    "DOM": (-69.93, 18.49),
    "ECU": (-78.47, -0.18),
    "GRD": (-61.75, 12.05),
    "GTM": (-90.51, 14.63),
    "GUY": (-58.16, 6.80),
    "HND": (-87.21, 14.07),
    "HTI": (-72.34, 18.54),
    "JAM": (-76.79, 17.97),
    "KNA": (-62.72, 17.30),
    "LCA": (-61.01, 14.01),
    "MEX": (-99.13, 19.43),
    "NIC": (-86.25, 12.13),
    "PAN": (-79.52, 8.98),
    "PER": (-77.04, -12.05),
    "PRY": (-57.58, -25.26),
    "SLV": (-89.19, 13.69),
    "SUR": (-55.20, 5.85),
    "TTO": (-61.51, 10.66),
    "URY": (-56.16, -34.90),
    "VCT": (-61.23, 13.16),
    "VEN": (-66.90, 10.49),
}
SMALL = {"ATG", "BRB", "DMA", "GRD", "KNA", "LCA", "VCT"}
NS = {"svg": "http://www.w3.org/2000/svg"}


def inside(xy, box, tolerance=0.6):
    x, y = xy
    return box[0] - tolerance <= x <= box[2] + tolerance and box[1] - tolerance <= y <= box[3] + tolerance


def test_the_map_draws_the_33_celac_states():
    assert maps.states() == sorted(CAPITALS)


@pytest.mark.parametrize("view", ["main", "inset"])
def test_the_python_projection_places_lac_jsons_checkpoints_where_d3_did(view):
    record = maps.atlas()["views"][view]["projection"]
    project = maps.projection(view)
    assert record["checkpoints"]
    for point in record["checkpoints"]:
        x, y = project(*point["lonlat"])
        assert math.isclose(x, point["xy"][0], abs_tol=0.02) and math.isclose(y, point["xy"][1], abs_tol=0.02), point


@pytest.mark.parametrize("iso3", sorted(CAPITALS))
def test_each_capital_falls_inside_its_countrys_shape_box_in_every_view_it_is_drawn_in(iso3):
    state = maps.atlas()["states"][iso3]
    for view in ("main", "inset"):
        if not state.get(view):
            continue
        xy = maps.projection(view)(*CAPITALS[iso3])
        assert xy is not None, (iso3, view)
        _, _, w, h = maps.atlas()["views"][view]["viewBox"]
        if view == "inset" and not inside(xy, (0, 0, w, h), 0):  # the inset cuts Colombia, Venezuela...
            x0, y0, x1, y1 = state[view]["bbox"]
            assert maps.country_view(iso3) == "main" and min(x0, y0, w - x1, h - y1) <= 0.5, (iso3, "not cut")
            continue
        assert inside(xy, state[view]["bbox"]), f"{iso3} {view}: capital at {xy}, shape box {state[view]['bbox']}"
        assert inside(xy, maps.core_bbox(state[view]["d"])), f"{iso3} {view}: capital outside the core box"


def test_the_far_side_of_the_globe_is_clipped():
    assert maps.projection("main")(116.4, 39.9) is None  # Beijing
    assert maps.projection("main")(-58.38, -34.60) is not None


def test_context_layers_hold_no_ring_around_the_whole_view():
    for view in ("main", "inset"):
        _, _, w, h = maps.atlas()["views"][view]["viewBox"]
        for ring in maps.rings(maps.atlas()["views"][view]["context"]):
            x0, y0, x1, y1 = maps._bbox(ring)
            assert not (x0 <= 0 and y0 <= 0 and x1 >= w and y1 >= h), (view, ring[:4])


@pytest.mark.parametrize("iso3", sorted(CAPITALS))
def test_a_points_map_shows_the_capital_inside_its_view(iso3):
    m = maps.points_map(iso3, [(*CAPITALS[iso3], "capital", None)], title="t", description="d")
    panel = m.panels[0]
    x, y, w, h = (float(v) for v in panel.viewbox.split())
    assert m.dropped == 0 and len(panel.points) == 1
    point = panel.points[0]
    assert x <= point.x <= x + w and y <= point.y <= y + h
    assert [a.iso3 for a in panel.areas if a.highlight] == [iso3]
    assert panel.view == ("inset" if iso3 in {"ATG", "BRB", "DMA", "GRD", "KNA", "LCA", "VCT"} else panel.view)


def test_points_outside_the_view_are_dropped_and_counted():
    points = [
        (-78.47, -0.18, "Quito", "/en/projects/a"),
        (-90.3, -0.7, "Galápagos", None),  # Ecuador's, but far off the mainland the view frames
        (116.4, 39.9, "Beijing", None),  # far side of the globe
        (-58.38, -34.60, "Buenos Aires", None),  # another country
        (None, None, "nowhere", None),
    ]
    m = maps.points_map("ECU", points)
    assert [p.label for p in m.panels[0].points] == ["Quito"]
    assert m.dropped == 4
    html = environment("en").from_string('{% import "_map.html" as maps %}{{ maps.map_figure(m) }}').render(m=m)
    assert "4 points lie outside this view and are not drawn." in html
    assert 'href="/en/projects/a"' in html


def test_chile_is_framed_without_easter_island():
    m = maps.points_map("CHL", [(-109.35, -27.12, "Rapa Nui", None)])
    x = float(m.panels[0].viewbox.split()[0])
    assert x > 300 and m.dropped == 1


def scale_for(values):
    return maps.sequential(values.values(), lambda lo, hi: f"{lo:.0f}–{hi:.0f}")


def choropleth(values, scale=None):
    return maps.choropleth(
        values,
        scale or scale_for(values),
        lang="es",
        names={"ARG": "Argentina"},
        text=lambda v: f"{v:.1f}",
        no_data="sin datos",
        title="Mapa",
        description="Un mapa",
    )


def test_a_choropleth_links_every_state_once_and_marks_the_small_ones():
    values = {iso: float(i) for i, iso in enumerate(sorted(CAPITALS))}
    m = choropleth(values)
    codes = [a.iso3 for a in m.areas]
    assert sorted(codes) == sorted(CAPITALS)
    assert all(a.href == f"/es/countries/{a.iso3}" for a in m.areas)
    assert {a.iso3 for a in m.areas if a.marker} == SMALL
    inset = m.panels[1]
    assert inset.hidden and {a.iso3 for a in inset.areas} >= {"CUB", "JAM", "TTO"} | SMALL
    assert m.with_value == 33 and sum(e.count for e in m.legend) == 33


def test_a_choropleths_fills_follow_the_values_and_missing_ones_are_hatched():
    values = {iso: float(i) for i, iso in enumerate(sorted(CAPITALS))}
    values["BRA"] = None
    m = choropleth(values)
    fills = {a.iso3: a.fill for a in m.areas}
    assert fills["BRA"] == "url(#map-nodata)"
    assert fills["ARG"] == maps.VIRIDIS[0]  # the lowest value, the first class
    assert fills["VEN"] == maps.VIRIDIS[-1]
    titles = {a.iso3: a.title for a in m.areas}
    assert titles["ARG"] == "Argentina: 0.0" and titles["BRA"] == "BRA: sin datos"
    assert m.with_value == 32 and m.legend[-1].no_data and m.legend[-1].count == 1
    values["ARG"] = 40.0
    assert {a.iso3: a.fill for a in choropleth(values).areas}["ARG"] != fills["ARG"]


def test_quantile_classes_hold_about_as_many_states_each():
    values = {iso: float(i) for i, iso in enumerate(sorted(CAPITALS))}
    m = choropleth(values)
    counts = [e.count for e in m.legend if not e.no_data]
    assert len(counts) == 5 and max(counts) - min(counts) <= 2
    assert maps.quantile_breaks([1, 1, 1]) == [1.0, 1.0]
    assert maps.quantile_breaks([]) == []
    assert len(maps.quantile_breaks([0, 0, 0, 0, 5])) == 3  # repeated values: fewer classes (here 2)


def test_fixed_breaks_and_ordinal_grades():
    scale = maps.sequential([], lambda lo, hi: f"{lo}-{hi}", breaks=[0, 20, 40, 60, 80, 100])
    assert scale.index(0) == 0 and scale.index(100) == 4 and scale.index(39.9) == 1 and scale.index(None) is None
    grades = maps.ordinal(["AAA", "AA", "A", "BBB", "BB", "B", "CCC"])
    assert grades.index("BBB") == 3 and grades.index("D") is None
    assert len(set(grades.colours)) == 7


def test_the_drawn_map_is_well_formed_svg_with_fills_as_attributes():
    values = {iso: float(i) for i, iso in enumerate(sorted(CAPITALS))}
    values["BRA"] = None
    m = choropleth(values)
    html = environment("es").from_string('{% import "_map.html" as maps %}{{ maps.map_figure(m) }}').render(m=m)
    start, end = html.index("<svg"), html.rindex("</svg>") + len("</svg>")
    root = ET.fromstring(html[start:end])
    links = root.findall(".//svg:a", NS)
    main_links = [a for a in links if a.get("tabindex") is None]
    assert len({a.get("data-iso3") for a in main_links}) == 33 and len(main_links) == 33
    for a in links:
        assert a.find("svg:title", NS).text
        assert a.find("svg:path", NS).get("fill")
    assert root.find("svg:title", NS).text == "Mapa" and root.find("svg:desc", NS).text == "Un mapa"
    assert root.find(".//svg:pattern", NS).get("id") == "map-nodata"
    assert len(root.findall(".//svg:circle[@class='marker']", NS)) >= len(SMALL)
    assert 'data-download="png"' in html and 'data-download="svg"' in html
    assert "sin datos" in html


def test_text_in_a_map_is_escaped():
    values = {"ARG": 1.0}
    m = maps.choropleth(
        values,
        scale_for(values),
        lang="en",
        names={"ARG": "<script>alert(1)</script>"},
        text=str,
        no_data="no data",
        title="<b>t</b>",
        description="d",
    )
    html = environment("en").from_string('{% import "_map.html" as maps %}{{ maps.map_svg(m) }}').render(m=m)
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html
