"""Drawing a brief: HTML (one self-contained file), PDF (WeasyPrint, from the same HTML) and
Markdown (with its images in a folder beside it).

The charts are the web app's Vega-Lite specifications drawn offline by vl-convert (PNG), and the
maps the web app's own SVG, so a brief shows what the pages show. Text
is translated by the web app's gettext catalogs and formatted by Babel for the language's locale
(lazos.web.pages.i18n). The fonts are the system's: Noto Sans CJK (Debian's fonts-noto-cjk,
installed by ``make system``) draws Chinese as well as the Latin alphabets.
"""

from __future__ import annotations

import base64
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import vl_convert
from markupsafe import Markup

from lazos.api import Lazos
from lazos.briefs import FORMATS
from lazos.errors import LazosError
from lazos.web.pages.charts import Chart
from lazos.web.pages.i18n import HTML_LANG, LANGS, translations
from lazos.web.pages.maps import MapFigure
from lazos.web.pages.render import TEMPLATES as WEB_TEMPLATES

from .content import content

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHART_WIDTH = 620  # CSS pixels: the text block of an A4 page at the brief's margins
SCALE = 2  # PNG pixels per CSS pixel (sharp in print)


@dataclass
class Images:
    """The images of one brief, by name (connectivity.png, region-map.svg...), drawn once per brief."""

    files: dict[str, bytes] = field(default_factory=dict)

    def chart(self, chart: Chart, width: int = CHART_WIDTH, height: int | None = None) -> str:
        name = f"{chart.id}.png"
        if name not in self.files:
            self.files[name] = chart_png(chart.spec, width, height)
        return name

    def size(self, name: str) -> tuple[int, int]:
        """An image's size in CSS pixels (its PNG's pixels over the scale), from its header."""
        data = self.files[name]
        return int.from_bytes(data[16:20], "big") // SCALE, int.from_bytes(data[20:24], "big") // SCALE

    def map(self, figure: MapFigure, svg: str) -> str:
        name = f"{figure.id}.svg"
        if name not in self.files:
            self.files[name] = svg.encode("utf-8")
        return name


def chart_png(spec: dict[str, Any], width: int = CHART_WIDTH, height: int | None = None) -> bytes:
    """A Vega-Lite chart of the web app drawn as PNG at a fixed size (the page's charts fit
    their container; a brief's fit its column). A faceted chart's ``width`` and ``height`` are
    each panel's."""
    spec = dict(spec)
    if "facet" in spec:
        spec["spec"] = {**spec["spec"], "width": width, **({"height": height} if height else {})}
    else:
        spec["width"] = width
        if height:
            spec["height"] = height
    return vl_convert.vegalite_to_png(spec, scale=SCALE)


@functools.cache
def environment(lang: str, markdown: bool = False) -> jinja2.Environment:
    """The brief's templates in ``lang``: the web app's catalog and its map macros."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([TEMPLATES, WEB_TEMPLATES]),
        autoescape=not markdown,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["md"] = _markdown_cell
    return env


def _markdown_cell(value: Any) -> str:
    """Text for a Markdown table cell or line: pipes and markup characters escaped, one line."""
    text = re.sub(r"\s+", " ", str(value if value is not None else "")).strip()
    return re.sub(r"([\\`*_{}\[\]<>|#])", r"\\\1", text)


def check(lang: str, fmt: str) -> None:
    if lang not in LANGS:
        raise LazosError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    if fmt not in FORMATS:
        raise LazosError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def _map_svg(lang: str, figure: MapFigure) -> str:
    """A map drawn as the web pages draw it (templates/_map.html)."""
    return str(environment(lang).get_template("_map.html").module.map_svg(figure))  # type: ignore[attr-defined]


def render_html(values: dict[str, Any], images: Images) -> str:
    """The brief as one HTML file: its images inline as data: URIs."""
    env = environment(values["lang"])

    def image(name: str) -> str:
        kind = "svg+xml" if name.endswith(".svg") else "png"
        return f"data:image/{kind};base64," + base64.b64encode(images.files[name]).decode("ascii")

    def chart(c: Chart, width: int = CHART_WIDTH, height: int | None = None) -> Markup:
        name = images.chart(c, width, height)
        w, h = images.size(name)
        return Markup(f'src="{image(name)}" width="{w}" height="{h}"')

    def map_image(figure: MapFigure) -> str:
        return image(images.map(figure, _map_svg(values["lang"], figure)))

    template = env.get_template(f"brief_{values['kind']}.html")
    return template.render(
        values, html_lang=HTML_LANG[values["lang"]], chart_src=chart, map_src=map_image, **citations(values)
    )


def render_markdown(values: dict[str, Any], images: Images, folder: str) -> str:
    """The brief as Markdown (footnotes as [^n]); its images are linked under ``folder``."""
    env = environment(values["lang"], markdown=True)

    def chart(c: Chart, width: int = CHART_WIDTH, height: int | None = None) -> str:
        return f"{folder}/{images.chart(c, width, height)}"

    def map_image(figure: MapFigure) -> str:
        return f"{folder}/{images.map(figure, _map_svg(values['lang'], figure))}"

    template = env.get_template(f"brief_{values['kind']}.md")
    return template.render(values, chart_src=chart, map_src=map_image, **citations(values, markdown=True))


def pdf_from_html(html: str) -> bytes:
    import weasyprint  # imported when a PDF is asked for: it loads Pango

    return weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf()


@dataclass(frozen=True)
class Brief:
    """A brief made: its bytes in the format asked for, and the images a Markdown brief links to."""

    kind: str
    name: str
    lang: str
    format: str
    data: bytes
    images: dict[str, bytes]
    folder: str = ""

    def write(self, path: str | Path) -> list[Path]:
        """Write the brief to ``path`` (and a Markdown brief's images beside it), each file
        written whole (to a temporary name, then renamed). Returns the files written."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        written = [_write(path, self.data)]
        if self.format == "md" and self.images:
            folder = path.parent / self.folder
            folder.mkdir(exist_ok=True)
            written += [_write(folder / name, data) for name, data in sorted(self.images.items())]
        return written


def _write(path: Path, data: bytes) -> Path:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def make_brief(
    db: Lazos, target: str | None, *, lang: str = "en", fmt: str = "pdf", as_of: str | None = None, stem: str = ""
) -> Brief:
    """A country's brief (``target`` names the country) or the region's (``target`` None) in
    ``lang`` and ``fmt`` (html, pdf, md), as of ``as_of``. ``stem``: the file name the brief will
    have without its suffix (a Markdown brief's images go in ``<stem>_files/``)."""
    check(lang, fmt)
    values = content(db, target, lang, as_of)
    images = Images()
    folder = f"{stem or 'brief'}_files"
    if fmt == "md":
        data = render_markdown(values, images, folder).encode("utf-8")
    else:
        html = render_html(values, images)
        data = html.encode("utf-8") if fmt == "html" else pdf_from_html(html)
    return Brief(values["kind"], values["name"], lang, fmt, data, images.files if fmt == "md" else {}, folder)


def file_stem(iso: str | None, lang: str, as_of: str | None) -> str:
    """A brief's file name without suffix: lazos-brief-ARG-zh(-2021-12-31), lazos-brief-LAC-en."""
    parts = ["lazos-brief", iso or "LAC", lang]
    if as_of:
        parts.append(re.sub(r"[^0-9A-Za-z-]", "", str(as_of)))
    return "-".join(parts)


def citations(values: dict[str, Any], markdown: bool = False) -> dict[str, Any]:
    """The templates' note calls: ``cite(source_refs)``, ``cite_ids(source_ids)`` and
    ``cite_row(row)`` (a row naming its source), each numbering its sources in the brief's notes."""
    notes = values["notes"]
    return {
        "cite": lambda refs: footnote_markup(notes.cite(refs), markdown),
        "cite_ids": lambda ids: footnote_markup(notes.cite(i for i in ids if isinstance(i, str) and i), markdown),
        "cite_row": lambda row: footnote_markup(notes.cite_row(row), markdown),
    }


def ranges(numbers: list[int]) -> list[tuple[int, int]]:
    """Consecutive numbers as ranges: [1, 2, 3, 7] → [(1, 3), (7, 7)]."""
    out: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def footnote_markup(numbers: list[int], markdown: bool = False) -> str | Markup:
    """Note calls for ``numbers``: superscript links in HTML, [^n] in Markdown."""
    if markdown:
        return "".join(f"[^{n}]" for n in numbers)
    links = ",".join(
        f'<a href="#source-{first}" class="note-call">{first}</a>'
        + (f'–<a href="#source-{last}" class="note-call">{last}</a>' if last != first else "")
        for first, last in ranges(numbers)
    )
    return Markup(f'<sup class="notes">{links}</sup>') if numbers else Markup("")
