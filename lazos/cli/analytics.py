"""``lazos index``, ``risk``, ``alerts`` and ``opportunities``: the analytics on the command line.

Each prints a table by default, CSV or JSON with --format; --explain shows, for every score,
the indicators behind it, their values, goalposts, weights and points, and the inputs with
their sources, numbered as in the other commands.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

from lazos.cli.common import AsOfOpt, DbOpt, FormatOpt, LimitOpt, SortOpt, open_db
from lazos.cli.output import (
    Format,
    arrange,
    console,
    emit,
    emit_json,
    more,
    paged,
    plain,
    print_coverage,
    print_table,
    visible,
    with_coverage,
)
from lazos.formatting import money, number, quantity

YearOpt = Annotated[int | None, typer.Option("--year", "-y", help="Year (default: the latest year with data).")]
ExplainOpt = Annotated[
    bool,
    typer.Option("--explain", help="Show every indicator behind each score, with its inputs and their sources."),
]
CountryOpt = Annotated[str | None, typer.Option("--country", "-c", help="Only this country (name or code).")]


# ---------------------------------------------------------------------------- explanation


class References:
    """Numbers sources [1], [2]... within one printed section, like the listing commands."""

    def __init__(self) -> None:
        self.refs: dict[tuple[str, str | None], int] = {}

    def mark(self, item: dict[str, Any]) -> str:
        key = (item.get("source") or item.get("source_id") or "", item.get("source_url"))
        self.refs.setdefault(key, len(self.refs) + 1)
        return f"[{self.refs[key]}]"

    def print(self) -> None:
        for (label, url), n in self.refs.items():
            console.print(Text(visible(f"  [{n}] {label}" + (f" {url}" if url else "")), style="dim"), soft_wrap=True)


def input_text(items: list[dict[str, Any]], refs: References, limit: int = 3) -> str:
    """The inputs of one indicator: series values, events, or the largest projects."""
    series = [i for i in items if i["kind"] == "series"]
    events = [i for i in items if i["kind"] == "event"]
    projects = [i for i in items if i["kind"] == "project"]
    parts = [
        f"{i['indicator']}{' ↔ ' + i['partner'] if i.get('partner') else ''} {i['period']} = "
        f"{quantity(i['value'], i.get('unit'))} {refs.mark(i)}"
        for i in series
    ]
    parts += [f"{i['label']} {i['period']} {refs.mark(i)}" for i in events]
    # news events (GDELT): each with the article it was read in
    parts += [f"{i['period']} {i['label']} {refs.mark(i)}" for i in items if i["kind"] == "news_event"]
    if projects:
        ranked = sorted(projects, key=lambda i: -(i["value"] or 0))
        shown = [
            f"{i['label'][:48]} ({money(i['value'], 'USD') if i['value'] else 'no US$ amount'}) {refs.mark(i)}"
            for i in ranked[:limit]
        ]
        more = f" and {len(projects) - limit} more" if len(projects) > limit else ""
        parts.append(f"{len(projects)} project(s): " + "; ".join(shown) + more)
    return "; ".join(parts)


def _num(value: Any, digits: int = 2) -> str:
    v = plain(value)
    return "" if v is None else f"{v:.{digits}f}"


def indicator_table(rows: pd.DataFrame, refs: References, scale_label: str) -> Table:
    out = Table(header_style="bold", show_lines=False)
    for header in ("Indicator", "Value", "Year", "Goalposts", "Score", "Weight", scale_label, "Inputs and notes"):
        out.add_column(header, overflow="fold")
    for r in rows.to_dict("records"):
        status = r["status"]
        value = quantity(r["raw"], r["unit"]) if status in ("measured", "carried") else status.replace("_", " ")
        year = "" if plain(r["value_year"]) is None else str(int(r["value_year"]))
        if status == "carried":
            year += " (carried)"
        goal = r["goalposts"]
        goalposts = "" if goal is None else f"{number(goal[0])}–{number(goal[1])}"
        if goal is not None and r["transform"] != "none":
            goalposts += f" {r['transform']}"
        if goal is not None and r["direction"] == "lower":
            goalposts += " (lower is better)"
        notes = input_text(r["inputs"], refs)
        if r["note"]:
            notes = f"{notes}. {r['note']}" if notes else r["note"]
        out.add_row(
            Text(f"{r['indicator']}\n{r['label']}"),
            Text(value),
            Text(year),
            Text(goalposts),
            Text(_num(r["score"])),
            Text(f"{r['weight'] * 100:.0f}%" if r["weight"] else "—"),
            Text(_num(r["points"])),
            Text(notes),
        )
    return out


def explain_scores(
    title: str,
    measures: pd.DataFrame,
    dimensions: dict[str, Any],
    dim_scores: dict[str, tuple[Any, Any]],
    scale: float,
    scale_label: str,
    summary: list[str],
) -> None:
    """One country-year: a header, each dimension's indicator table, and the numbered sources."""
    refs = References()
    console.rule(Text(title, style="bold"), align="left")
    for line in summary:
        console.print(Text(line), soft_wrap=True)
    for name, dim in dimensions.items():
        score, coverage = dim_scores.get(name, (None, 0.0))
        shown = "not scored" if plain(score) is None else f"{number(score)} of {number(scale)}"
        covered = f"indicators measured: {plain(coverage) or 0:.0%} of the weight"
        console.print(Text(f"{dim.label} ({name}): {shown}; {covered}", style="bold"))
        print_table(indicator_table(measures[measures["dimension"] == name], refs, scale_label))
    refs.print()


def _explain_frame(measures: pd.DataFrame) -> pd.DataFrame:
    """The long measures table for CSV: inputs flattened to their source ids."""
    out = measures.copy()
    out["goalposts"] = [None if g is None else f"{g[0]:g}..{g[1]:g}" for g in out["goalposts"]]
    out["sources"] = [
        ";".join(sorted({i["source_id"] for i in items if i.get("source_id")})) for items in out["inputs"]
    ]
    return out.drop(columns=["inputs"])


# ---------------------------------------------------------------------------- index


@paged
def index(
    year: YearOpt = None,
    dimension: Annotated[
        str | None,
        typer.Option("--dimension", "-d", help="Show one dimension's indicators: policy, facilities, trade, ..."),
    ] = None,
    country: CountryOpt = None,
    weights: Annotated[
        Path | None,
        typer.Option(
            "--weights", help="YAML or JSON file of dimension (and indicator) weights; shows the rank changes."
        ),
    ] = None,
    sensitivity: Annotated[
        bool, typer.Option("--sensitivity", help="Report how ranks move over random dimension weights.")
    ] = False,
    draws: Annotated[int, typer.Option("--draws", help="Weight draws for --sensitivity.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for --sensitivity.")] = 0,
    size_check: Annotated[
        bool,
        typer.Option(
            "--size-check", help="Rank on size indicators alone and on intensity indicators alone, beside the method."
        ),
    ] = False,
    explain: ExplainOpt = False,
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The Five Connectivities index: five dimensions scored 0-20, the composite 0-100.

    Policy coordination, facilities connectivity, unimpeded trade, financial integration and
    people-to-people bonds, after Peking University's index, on Lazos's sourced data with the
    open method in lazos/analytics/method.yaml (docs/methodology.md). A year uses only facts
    dated in or before it.
    """
    with open_db(db) as lz:
        if dimension is not None:
            dimension = lz.dimension(dimension)
        year = year or lz.latest_analysis_year(as_of=as_of)
        result = lz.connectivity_index(year=year, country=country, as_of=as_of, weights=weights)
        sens = (
            lz.index_sensitivity(year=year, draws=draws, seed=seed, as_of=as_of, weights=weights)
            if sensitivity
            else None
        )
        sizes = lz.index_size_check(year=year, as_of=as_of) if size_check else None
    method = result.method
    part = method.connectivity
    scores = result.scores
    if fmt is Format.csv:
        measures = result.measures if dimension is None else result.measures[result.measures["dimension"] == dimension]
        emit(_explain_frame(measures) if explain else scores, fmt)
        return
    if fmt is Format.json:
        payload = with_coverage(result.to_dict(explain=explain, dimension=dimension), result)
        if sens is not None:
            payload["sensitivity"] = sens.to_dict()
        if sizes is not None:
            payload["size_check"] = sizes.to_dict()
        emit_json(payload)
        return
    title = f"{part.label}, {year} (method {method.version})"
    if dimension is not None:
        _dimension_table(result, dimension, title)
    else:
        _index_table(scores, part, title, weights is not None)
    _index_footer(result, weights)
    print_coverage(result)
    if sens is not None:
        _print_sensitivity(sens)
    if sizes is not None:
        _print_size_check(sizes, country)
    if explain:
        for row in scores.to_dict("records"):
            _explain_index(result, row, dimension)


def _index_table(scores: pd.DataFrame, part: Any, title: str, with_weights: bool) -> None:
    out = Table(title=title, title_justify="left", header_style="bold")
    columns = ["Rank", "Country", *[d.label.split(" ")[0] for d in part.dimensions.values()], "Composite"]
    columns += ["Default rank", "Change"] if with_weights else []
    columns.append("Note")
    for c in columns:
        out.add_column(c, overflow="fold", justify="right" if c not in ("Country", "Note") else "left")
    for r in scores.to_dict("records"):
        missing = [d for d in (r["not_scored"] or "").split(", ") if d and part.dimensions[d].measured()]
        note = f"not scored: {', '.join(missing)} (no data)" if missing else ""
        if missing and plain(r["composite"]) is not None:
            note = (
                f"{r['dimensions_scored']} of {r['dimensions_scored'] + len(missing)} dimensions, not comparable: "
                + note
            )
        cells = [
            "" if plain(r["rank"]) is None else str(r["rank"]),
            f"{r['name']} ({r['country']})",
            *[_num(r[d], 1) for d in part.dimensions],
            _num(r["composite"], 1),
        ]
        if with_weights:
            change = plain(r.get("rank_change"))
            cells += [
                "" if plain(r.get("default_rank")) is None else str(r["default_rank"]),
                "" if change is None else (f"+{change}" if change > 0 else str(change)),
            ]
        out.add_row(*(Text(c) for c in [*cells, note]))
    print_table(out)


def _dimension_table(result: Any, dimension: str, title: str) -> None:
    part = result.method.connectivity
    dim = part.dimensions[dimension]
    m = result.measures[result.measures["dimension"] == dimension]
    measured = [k for k, v in dim.indicators.items() if v.measured]
    scores = result.scores.sort_values([dimension, "country"], ascending=[False, True], na_position="last")
    out = Table(title=f"{title}: {dim.label}", title_justify="left", header_style="bold")
    for c in ["Country", f"{dim.label} (0-{number(part.dimension_max)})", *measured]:
        out.add_column(c, overflow="fold")
    by = m.set_index(["country", "indicator"])
    for r in scores.to_dict("records"):
        cells = [f"{r['name']} ({r['country']})", _num(r[dimension], 1)]
        for ind in measured:
            row = by.loc[(r["country"], ind)]
            shown = quantity(row["raw"], row["unit"]) if plain(row["score"]) is not None else "missing"
            cells.append(shown + ("" if plain(row["score"]) is None else f" → {row['score']:.2f}"))
        out.add_row(*(Text(c) for c in cells))
    print_table(out)
    for ind in measured:
        console.print(Text(f"  {ind}: {dim.indicators[ind].label}", style="dim"))


def _index_footer(result: Any, weights: Path | None) -> None:
    part = result.method.connectivity
    unmeasured = [d.label for d in part.dimensions.values() if not d.measured()]
    lines = [
        "Dimensions 0-20; the composite is the weighted mean of the scored dimensions on 0-100 "
        "(with equal weights, their sum rescaled to five dimensions).",
    ]
    for label in unmeasured:
        dim = next(d for d in part.dimensions.values() if d.label == label)
        reasons = "; ".join(f"{k}: {(v.reason or '').rstrip('.')}" for k, v in dim.indicators.items())
        lines.append(f"{label}: not measured for any country yet ({reasons})")
    lines.append(f"Weights: {', '.join(f'{k} {v:g}' for k, v in result.weights.items())}.")
    if result.spearman_with_default is not None:
        lines.append(
            f"Spearman rank correlation with the default weights: {result.spearman_with_default:.3f} ({weights})."
        )
    lines.append("Why a score is what it is: add --explain (and --country to pick one).")
    for line in lines:
        console.print(Text(line, style="dim"), soft_wrap=True)


def _print_sensitivity(sens: Any) -> None:
    s = sens.summary()
    console.print(
        Text(
            f"Sensitivity, {s['year']}: {s['draws']} random weightings of {', '.join(s['dimensions'])} "
            f"(flat Dirichlet, seed {s['seed']}). Spearman rank correlation with the reference ranking: "
            f"median {s['spearman_median']:.3f}, 5th percentile {s['spearman_p05']:.3f}, minimum "
            f"{s['spearman_min']:.3f}; {s['share_of_draws_above_0_9']:.0%} of draws above 0.9.",
            style="bold",
        ),
        soft_wrap=True,
    )
    out = Table(header_style="bold")
    for c in ("Country", "Rank", "Median rank", "5th-95th percentile", "Best", "Worst"):
        out.add_column(c)
    for r in sens.ranks.to_dict("records"):
        out.add_row(
            f"{r['name']} ({r['country']})",
            f"{r['reference_rank']:.0f}",
            f"{r['median_rank']:.0f}",
            f"{r['p05_rank']:.0f}-{r['p95_rank']:.0f}",
            f"{r['best_rank']:.0f}",
            f"{r['worst_rank']:.0f}",
        )
    print_table(out)


def _print_size_check(sizes: Any, country: str | None) -> None:
    s = sizes.spearman
    console.print(
        Text(
            f"Size and intensity, {sizes.year}: Spearman rank correlation with the method's ranking "
            f"{s['intensity_only']:.3f} on intensity indicators alone (US$ and counts left out), "
            f"{s['size_only']:.3f} on size indicators alone (shares of GDP and per-person figures left out).",
            style="bold",
        ),
        soft_wrap=True,
    )
    out = Table(header_style="bold")
    for c in ("Country", "Rank (method)", "Intensity only", "Size only"):
        out.add_column(c)
    for r in sizes.ranks.to_dict("records"):
        out.add_row(
            f"{r['name']} ({r['country']})",
            *[
                "" if plain(r[k]) is None else str(r[k])
                for k in ("rank_method", "rank_intensity_only", "rank_size_only")
            ],
        )
    print_table(out)


def _explain_index(result: Any, row: dict[str, Any], only: str | None) -> None:
    part = result.method.connectivity
    m = result.measures[(result.measures["country"] == row["country"]) & (result.measures["year"] == row["year"])]
    dims = result.dimensions[
        (result.dimensions["country"] == row["country"]) & (result.dimensions["year"] == row["year"])
    ]
    dim_scores = {r["dimension"]: (r["score"], r["coverage"]) for r in dims.to_dict("records")}
    scored = {d: dim_scores[d][0] for d in part.dimensions if plain(dim_scores.get(d, (None,))[0]) is not None}
    weights = result.weights
    used = {d: s for d, s in scored.items() if weights.get(d, 0) > 0}
    if plain(row["composite"]) is not None:
        total = sum(weights[d] for d in used)
        terms = " + ".join(f"{weights[d]:g}×{s:.2f}" for d, s in used.items())
        formula = (
            f"composite = ({terms}) / {total:g} × {number(part.composite_max / part.dimension_max)} "
            f"= {row['composite']:.1f} of {number(part.composite_max)}"
        )
        head = f"composite {row['composite']:.1f}, rank {row['rank']}"
    else:
        formula = (
            f"no composite: {len(used)} dimension(s) scored, the method needs {part.min_dimensions} "
            f"(not scored: {row['not_scored']})"
        )
        head = "no composite"
    from lazos.analytics.connectivity import explain_rank

    summary = [
        *explain_rank(result, row["country"], int(row["year"])),
        formula,
        "Each dimension = weighted mean of its measured indicators' scores (0-1) × 20; an indicator's score "
        "is its value placed between its goalposts. Points = its share of the dimension's score.",
    ]
    dimensions = part.dimensions if only is None else {only: part.dimensions[only]}
    explain_scores(
        f"{row['name']} ({row['country']}), {row['year']}: {head} (method {result.method.version})",
        m,
        dimensions,
        dim_scores,
        part.dimension_max,
        "Points",
        summary,
    )


# ---------------------------------------------------------------------------- risk


@paged
def risk(
    country: Annotated[str | None, typer.Argument(help="Country name or code (default: every CELAC state).")] = None,
    year: YearOpt = None,
    explain: ExplainOpt = False,
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Country investment-risk rating, AAA to CCC, after CASS's five dimensions.

    Economic base, debt solvency, social resilience, political risk and relations with China,
    scored 0-1 (1 = lowest risk) from World Bank WDI and WGI series, Lazos's events, trade and
    projects. Each grade names the indicators that drive it, and says which are missing.
    """
    with open_db(db) as lz:
        year = year or lz.latest_analysis_year(as_of=as_of)
        result = lz.risk(country, year=year, as_of=as_of)
    method = result.method
    part = method.risk
    if fmt is not Format.table:
        if explain and fmt is Format.csv:
            emit(_explain_frame(result.measures), fmt)
        elif fmt is Format.csv:
            emit(result.scores, fmt)
        else:
            emit_json(with_coverage(result.to_dict(explain=explain), result))
        return
    if country is None:
        out = Table(title=f"{part.label}, {year} (method {method.version})", title_justify="left", header_style="bold")
        for c in ("Country", "Grade", "Score", *[d.label for d in part.dimensions.values()], "Missing indicators"):
            out.add_column(c, overflow="fold")
        for r in result.scores.to_dict("records"):
            grade = r["grade"] if isinstance(r["grade"], str) else f"not rated ({r['not_scored']} not scored)"
            out.add_row(
                Text(f"{r['name']} ({r['country']})"),
                Text(grade),
                Text(_num(r["score"])),
                *[Text(_num(r[d])) for d in part.dimensions],
                Text(r["missing"]),
            )
        print_table(out)
    else:
        r = result.scores.iloc[0]
        grade = r["grade"] if isinstance(r["grade"], str) else f"not rated: {r['not_scored']} could not be scored"
        lines = [
            f"Grade {grade}" + ("" if plain(r["score"]) is None else f", score {r['score']:.2f} (1 = lowest risk)"),
            *([f"Cap: {r['cap']}"] if r["cap"] else []),
            f"Confidence: {r['confidence']}",
            *[
                f"{d.label}: " + ("not scored" if plain(r[k]) is None else f"{r[k]:.2f}")
                for k, d in part.dimensions.items()
            ],
            f"Weakest: {r['weaknesses']}",
            f"Strongest: {r['strengths']}",
            f"Missing for this year: {r['missing'] or 'none'}",
        ]
        if result.history is not None:
            past = result.history.sort_values("year").tail(12)
            lines.append(
                "Grades by year: "
                + ", ".join(
                    f"{y} {g if isinstance(g, str) else 'not rated'}"
                    for y, g in zip(past["year"], past["grade"], strict=True)
                )
            )
        console.rule(
            Text(f"{r['name']} ({r['country']}), {year} (method {method.version})", style="bold"), align="left"
        )
        for line in lines:
            console.print(Text(line), soft_wrap=True)
    scale = " ".join(f"{g.grade} ≥ {g.min:g}" for g in part.grades)
    console.print(
        Text(
            f"Grades: {scale}. A grade needs at least {part.min_dimensions} dimensions scored; "
            "one on fewer than all is low-confidence.",
            style="dim",
        )
    )
    unmeasured = [f"{k}" for d in part.dimensions.values() for k, i in d.indicators.items() if not i.measured]
    console.print(Text(f"Not measured yet (no sourced data): {', '.join(unmeasured)}.", style="dim"), soft_wrap=True)
    print_coverage(result)
    if explain:
        for row in result.scores.to_dict("records"):
            m = result.measures[(result.measures["country"] == row["country"])]
            dims = result.dimensions[result.dimensions["country"] == row["country"]]
            dim_scores = {d["dimension"]: (d["score"], d["coverage"]) for d in dims.to_dict("records")}
            rated = isinstance(row["grade"], str)
            head = f"grade {row['grade']}, score {row['score']:.2f}" if rated else "not rated"
            explain_scores(
                f"{row['name']} ({row['country']}), {row['year']}: {head}",
                m,
                part.dimensions,
                dim_scores,
                1.0,
                "Share",
                [
                    "score = mean of the five dimension scores (weights "
                    + ", ".join(f"{k} {d.weight:g}" for k, d in part.dimensions.items())
                    + "); each dimension = weighted mean of its measured indicators' scores (0-1)."
                ],
            )


# ---------------------------------------------------------------------------- alerts


# The columns of the alerts table, by the names --sort takes (headers or CSV names).
ALERT_HEADERS = {
    "period": "Period",
    "country": "Country",
    "severity": "Severity",
    "label": "Alert",
    "message": "What the figures say",
}


@paged
def alerts(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only alerts dated on or after this date: YYYY (from 1 January), YYYY-MM (from the 1st), YYYY-MM-DD.",
        ),
    ] = None,
    country: CountryOpt = None,
    severity: Annotated[
        str | None, typer.Option("--severity", "-s", help="Only this severity: severe, warning or info.")
    ] = None,
    explain: ExplainOpt = False,
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = None,
    sort: SortOpt = None,
) -> None:
    """Early-warning alerts: inflation, debt, currency, reserves, recession, governance, relations.

    Rules and thresholds are in lazos/analytics/alerts.yaml; each alert names its figures and
    their sources. Alerts are dated by the end of the period their figures describe.
    """
    with open_db(db) as lz:
        result = lz.alerts(since=since, country=country, severity=severity, as_of=as_of)
    total = len(result)
    found, hidden = arrange(result.frame, fmt, limit, sort, ALERT_HEADERS)
    if fmt is not Format.table:
        if fmt is Format.csv:
            emit(found.assign(sources=[";".join(s) for s in found["sources"]]).drop(columns=["inputs"]), fmt)
        else:
            emit_json(result.with_frame(found))  # with each alert's inputs and their sources
        return
    if found.empty:
        console.print(Text("No alerts match.", style="dim"))
        return
    refs = References()
    out = Table(title=f"Alerts ({total})", title_justify="left", header_style="bold")
    for c in ("Period", "Country", "Severity", "Alert", "What the figures say", "Sources"):
        out.add_column(c, overflow="fold")
    style = {"severe": "bold red", "warning": "yellow", "info": "cyan"}
    for r in found.to_dict("records"):
        marks = " ".join(dict.fromkeys(refs.mark(i) for i in r["inputs"]))
        message = r["message"]
        if explain:
            message += "\n" + input_text(r["inputs"], refs)
        out.add_row(
            Text(str(r["period"])),
            Text(r["country"]),
            Text(r["severity"], style=style.get(r["severity"], "")),
            Text(r["label"]),
            Text(message),
            Text(marks),
        )
    print_table(out)
    more(hidden)
    refs.print()
    version = found["rules_version"].iloc[0]
    console.print(Text(f"Rules version {version} (lazos/analytics/alerts.yaml).", style="dim"))


# ---------------------------------------------------------------------------- opportunities


@paged
def opportunities(
    year: YearOpt = None,
    country: CountryOpt = None,
    explain: ExplainOpt = False,
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Infrastructure needs set against risk: where needs are high and risk is manageable.

    Needs: population without electricity, not using the Internet, the shortfall in logistics
    performance (each scaled 0-1); risk: the investment-risk grade of the same year. High need
    with manageable risk comes first, then by need × risk score; China's infrastructure projects
    already in each country are shown.
    """
    with open_db(db) as lz:
        year = year or lz.latest_analysis_year(as_of=as_of)
        result = lz.opportunities(year=year, country=country, as_of=as_of)
    method = result.method
    needs = [k for k, v in method.opportunities.needs.items() if v.measured]
    if fmt is not Format.table:
        if fmt is Format.csv:
            emit(_explain_frame(result.measures) if explain else result.scores, fmt)
        else:
            emit_json(with_coverage(result.to_dict(explain=explain), result))
        return
    out = Table(title=f"{method.opportunities.label}, {year} (method {method.version})", title_justify="left")
    for c in ("Country", "Need", *needs, "Risk", "Quadrant", "Opportunity", "China's infrastructure projects"):
        out.add_column(c, overflow="fold")
    units = {k: method.opportunities.needs[k].unit for k in needs}
    for r in result.scores.to_dict("records"):
        risk_text = (
            "not rated" if r["grade"] is None or pd.isna(r["grade"]) else f"{r['grade']} ({r['risk_score']:.2f})"
        )
        projects = f"{r['china_infrastructure_projects']}" + (
            f" ({r['china_infrastructure_sectors']})" if r["china_infrastructure_sectors"] else ""
        )
        out.add_row(
            Text(f"{r['name']} ({r['country']})"),
            Text(_num(r["need"])),
            *[Text(quantity(r[k], units[k]) if not _nan(r[k]) else "missing") for k in needs],
            Text(risk_text),
            Text(r["quadrant"]),
            Text(_num(r["opportunity"])),
            Text(projects),
        )
    print_table(out)
    part = method.opportunities
    console.print(
        Text(
            f"Need is high at {part.high_need:g} or more; risk is manageable at grade "
            f"{part.manageable_grade} or better. "
            + "; ".join(f"{k}: {v.label}" for k, v in part.needs.items() if v.measured)
            + ". Not measured: "
            + "; ".join(f"{k} ({v.reason})" for k, v in part.needs.items() if not v.measured),
            style="dim",
        ),
        soft_wrap=True,
    )
    if explain:
        from lazos.analytics.method import Dimension

        dims = {"needs": Dimension(label="Infrastructure needs", indicators=part.needs)}
        for row in result.scores.to_dict("records"):
            m = result.measures[result.measures["country"] == row["country"]]
            need = None if _nan(row["need"]) else row["need"]
            coverage = float(m["weight"].where(m["score"].notna(), 0).sum())
            explain_scores(
                f"{row['name']} ({row['country']}), {row['year']}: need "
                + ("not measured" if need is None else f"{need:.2f}")
                + f"; risk {row['grade'] if isinstance(row['grade'], str) else 'not rated'}; {row['quadrant']}",
                m,
                dims,
                {"needs": (need, coverage)},
                1.0,
                "Share",
                [
                    "need = weighted mean of the measured gaps' scores (0-1); risk: `lazos risk "
                    f"{row['country']} --year {row['year']} --explain`"
                ],
            )


def _nan(value: Any) -> bool:
    v = plain(value)
    return v is None or (isinstance(v, float) and math.isnan(v))


# ---------------------------------------------------------------------------- saved analyses

analyses_app = typer.Typer(
    help="Saved analyses: results recorded with the method version that produced them.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@analyses_app.command("save")
def analyses_save(db: DbOpt = None) -> None:
    """Compute the index, risk rating, alerts and opportunities and record them with the method version.

    A run is appended only for an analysis whose results changed since its last saved run;
    earlier runs are kept, so the history of published results stays queryable.
    """
    from lazos import api

    open_db(db).close()  # builds the default database on first use, like every command
    for run in api.save_analyses(db).runs:
        if run.run_id is None:
            console.print(f"{run.analysis}: unchanged since its last saved run (method {run.method_version})")
        else:
            console.print(f"{run.analysis}: saved run {run.run_id} (method {run.method_version}, {run.rows} rows)")


@analyses_app.command("runs")
@paged
def analyses_runs(db: DbOpt = None, fmt: FormatOpt = Format.table) -> None:
    """List saved analysis runs, newest first (tables analysis_run, analysis_score, ...)."""
    with open_db(db) as lz:
        runs = lz.analysis_runs()
    emit(
        runs,
        fmt,
        {
            "run_id": "Run",
            "analysis": "Analysis",
            "method_version": "Method",
            "computed_at": "Computed at",
            "load_id": "On load",
            "current_data": "Current data",
            "first_year": "From",
            "last_year": "To",
            "rows": "Rows",
        },
        title="Saved analyses",
    )
