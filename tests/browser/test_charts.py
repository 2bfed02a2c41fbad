"""Charts and maps download as images in Chromium: every figure's PNG button saves a PNG and its
SVG button an SVG document."""

from __future__ import annotations

import pytest

from .conftest import settle

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FIGURES = "main figure.chart, main figure.map-figure"


def download(page, button, tmp_path, name: str) -> bytes:
    with page.expect_download() as info:
        button.click()
    path = tmp_path / name
    info.value.save_as(path)
    return path.read_bytes()


@pytest.mark.parametrize("path", ["/en/", "/en/countries/ARG", "/zh/index"])
def test_every_figure_downloads_as_png_and_svg(page, live_server, path, tmp_path):
    page.goto(live_server(path))
    settle(page)
    figures = page.locator(FIGURES)
    checked = 0
    for i in range(figures.count()):
        figure = figures.nth(i)
        png, svg = figure.locator("[data-download=png]"), figure.locator("[data-download=svg]")
        if figure.locator(".empty").count() and not png.count():
            continue  # "no data for this chart"
        assert png.count() == 1 and svg.count() == 1, f"{path}: figure {i} lacks PNG/SVG downloads"
        figure.scroll_into_view_if_needed()
        data = download(page, png.first, tmp_path, f"{i}.png")
        assert data.startswith(PNG_MAGIC), f"{path}: figure {i}'s PNG starts {data[:16]!r}"
        text = download(page, svg.first, tmp_path, f"{i}.svg").decode("utf-8").lstrip()
        assert text.startswith(("<svg", "<?xml")) and "<svg" in text[:500], f"{path}: figure {i}'s SVG: {text[:80]!r}"
        checked += 1
    assert checked, f"{path} has no figure with downloads"


@pytest.mark.parametrize("path", ["/en/", "/en/countries/ARG", "/en/projects", "/en/index", "/en/risk"])
def test_every_data_table_has_a_csv_download(page, live_server, path):
    page.goto(live_server(path))
    lacking = page.evaluate(
        """() => [...document.querySelectorAll('main table')]
          .filter(t => t.querySelector('tbody tr'))
          .filter(t => !(t.closest('figure') || t.closest('section, article') || document.querySelector('main'))
                        .querySelector('a[data-download=csv]'))
          .map(t => (t.caption && t.caption.innerText) || t.closest('[id]')?.id || t.outerHTML.slice(0, 80))"""
    )
    assert not lacking, f"{path}: tables without a CSV download: {lacking}"
