"""The overview's first load (a fresh browser context, nothing cached) transfers under 1.5 MB;
and the README's screenshot of the overview (docs/img/overview.png) is taken here."""

from __future__ import annotations

from pathlib import Path

from .conftest import ROOT

LIMIT = 1_500_000
SCREENSHOT = ROOT / "docs" / "img" / "overview.png"


def test_the_overviews_first_load_transfers_under_1_5_mb(page, live_server, transfer, capsys):
    page.goto(live_server("/en/"), wait_until="networkidle")
    moved = transfer()
    with capsys.disabled():
        print(f"\noverview first load (/en/, 1280x900, no cache): {moved}")
    assert moved.encoded < LIMIT, f"the overview's first load moved {moved}"
    assert moved.body < 4 * LIMIT, f"the overview's first load decodes to {moved.body} bytes"


def write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_the_readme_screenshot_of_the_overview(page, live_server):
    """The overview in English at 1280x900, from the top down to the end of its map."""
    page.goto(live_server("/en/"), wait_until="networkidle")
    page.evaluate("() => document.fonts.ready")
    bottom = page.evaluate(
        """() => { const map = document.querySelector('main figure');
        const end = map ? map.getBoundingClientRect().bottom + window.scrollY + 24 : innerHeight;
        return Math.min(Math.max(end, innerHeight), document.scrollingElement.scrollHeight); }"""
    )
    data = page.screenshot(type="png", full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": bottom})
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
    write_if_changed(SCREENSHOT, data)
