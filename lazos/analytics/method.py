"""The analytics method as data: method.yaml and alerts.yaml, read and checked.

A method file that does not follow the vocabulary fails with the key that is wrong, before
anything is computed; users' weight files are checked the same way.
"""

from __future__ import annotations

import hashlib
import json
import math
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lazos.errors import LazosError

MEASURES = (
    "series",
    "ratio",
    "change",
    "event_level",
    "event_years",
    "event_count",
    "project_value",
    "project_count",
    "project_sectors",
    "stock",
    "event_balance",
    "default_years",
    "sum",
    "not_measured",
)
PROJECT_STAGES = ("completed", "pipeline")


class MethodError(LazosError):
    """A method, alerts or weights file that does not follow the vocabulary."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SeriesRef(Strict):
    indicator: str
    partner: str | None = None

    def label(self) -> str:
        return self.indicator + (f" (partner {self.partner})" if self.partner else "")


class Indicator(Strict):
    """One indicator of a dimension: how its raw value is measured and scored 0..1."""

    label: str
    measure: Literal[MEASURES]  # type: ignore[valid-type]
    weight: float = Field(default=0.0, ge=0)
    unit: str | None = None
    reason: str | None = None  # why a not_measured indicator is not measured
    # series / change
    indicator: str | None = None
    partner: str | None = None
    mean_years: int | None = Field(default=None, ge=1)
    min_years: int | None = Field(default=None, ge=1)
    gap_from: float | None = None
    invert: bool = False
    # ratio
    numerator: list[SeriesRef] = []
    denominator: list[SeriesRef] = []
    scale: float = 1.0
    # events
    levels: dict[str, float] = {}
    kinds: list[str] = []
    resets: list[str] = []
    window: int | None = Field(default=None, ge=1)
    # projects
    sectors: list[str] = []
    stages: list[Literal[PROJECT_STAGES]] = []  # type: ignore[valid-type]
    coverage_end: int | None = None
    per_gdp: bool = True  # project_value: as % of GDP (else US$)
    # stock: the latest stated value of `indicator` by the end of the year, divided by the
    # year's value of `per` (times `scale`) if given; `census` says why no value means zero
    per: str | None = None
    census: str | None = None
    # measured only for countries whose exchange-rate regime is this one (risk.exchange_regime)
    regime: Literal["floating", "fixed"] | None = None
    # whether the indicator measures absolute size (US$, counts) or intensity (relative to the
    # economy or the population): the size check (lazos.analytics.sensitivity.size_check)
    # ranks countries on each alone
    basis: Literal["size", "intensity"] | None = None
    # scoring
    goalposts: tuple[float, float] | None = None
    transform: Literal["none", "log10", "log1p"] = "none"
    direction: Literal["higher", "lower"] = "higher"
    carry_forward: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _complete(self) -> Indicator:
        m = self.measure
        need: dict[str, bool] = {
            "series": bool(self.indicator),
            "change": bool(self.indicator),
            "ratio": bool(self.numerator and self.denominator),
            "event_level": bool(self.levels),
            "event_years": bool(self.kinds),
            "event_count": bool(self.kinds and self.window),
            "project_value": bool(self.window),
            "project_count": bool(self.stages),
            "project_sectors": bool(self.sectors),
            "stock": bool(self.indicator),
            "event_balance": bool(self.kinds),
            "default_years": bool(self.kinds and self.resets),
            "sum": bool(self.numerator),
            "not_measured": bool(self.reason),
        }
        if not need[m]:
            raise ValueError(f"measure {m!r} is missing its parameters (see the vocabulary in method.yaml)")
        if m == "not_measured":
            if self.weight:
                raise ValueError("a not_measured indicator carries no weight")
            return self
        if self.weight <= 0:
            raise ValueError("a measured indicator needs a positive weight")
        if m not in ("event_level",) and self.goalposts is None:
            raise ValueError(f"measure {m!r} needs goalposts [low, high]")
        if self.goalposts is not None:
            low, high = self.goalposts
            if not high > low:
                raise ValueError("goalposts must be [low, high] with high > low")
            if self.transform == "log10" and low <= 0:
                raise ValueError("a log10 transform needs a positive low goalpost")
            if self.transform == "log1p" and low <= -1:
                raise ValueError("a log1p transform needs a low goalpost above -1")
        return self

    @property
    def measured(self) -> bool:
        return self.measure != "not_measured"

    def bounds(self) -> tuple[float, float]:
        return self.goalposts if self.goalposts is not None else (0.0, 1.0)

    def score(self, raw: float) -> float:
        """The raw value on the 0..1 scale: clipped to the goalposts, transformed, scaled."""
        low, high = self.bounds()
        x = min(max(raw, low), high)
        f = {"none": lambda v: v, "log10": math.log10, "log1p": math.log1p}[self.transform]
        s = (f(x) - f(low)) / (f(high) - f(low))
        return 1.0 - s if self.direction == "lower" else s

    def series_used(self) -> list[SeriesRef]:
        per = [SeriesRef(indicator=self.per)] if self.per else []
        if self.measure in ("series", "change", "stock"):
            return [SeriesRef(indicator=self.indicator or "", partner=self.partner), *per]
        return [*self.numerator, *self.denominator, *per]


class Dimension(Strict):
    label: str
    weight: float = Field(default=1.0, ge=0)
    # The dimension is scored only when at least one of these indicators is measured (its
    # core: debt solvency without any debt figure is not scored from what is left).
    core: list[str] = []
    indicators: dict[str, Indicator]

    @model_validator(mode="after")
    def _some_weight(self) -> Dimension:
        # A dimension may be entirely unmeasured (then it is never scored), but not empty.
        if not self.indicators:
            raise ValueError("a dimension needs at least one indicator")
        unknown = [c for c in self.core if c not in self.indicators or not self.indicators[c].measured]
        if unknown:
            raise ValueError(f"core names {unknown}, which are not measured indicators of the dimension")
        return self

    def measured(self) -> dict[str, Indicator]:
        return {k: v for k, v in self.indicators.items() if v.measured}


class Grade(Strict):
    grade: str
    min: float


class Connectivity(Strict):
    label: str
    dimension_max: float
    composite_max: float
    min_dimension_weight: float = Field(ge=0, le=1)
    min_dimensions: int = Field(ge=1)
    dimensions: dict[str, Dimension]


class DefaultCap(Strict):
    """A sovereign in default (from a default event until it ends) is graded at most ``max_grade``."""

    starts: list[str]
    ends: list[str]
    max_grade: str
    # and, for ``after_years`` years after a spell in default ended, at most ``after_max_grade``
    after_years: int = Field(default=0, ge=0)
    after_max_grade: str | None = None


class ExchangeRegime(Strict):
    """A currency is (de facto) fixed to the US dollar when its official rate moved less than
    ``tolerance`` % in each of the ``years`` years to the year (dollarised: a rate of 1)."""

    indicator: str
    years: int = Field(ge=1)
    tolerance: float = Field(gt=0)


class Confidence(Strict):
    """A grade's confidence: high with every dimension scored and each covering at least
    ``high_coverage`` of its weight; low with a dimension not scored; medium otherwise."""

    high_coverage: float = Field(ge=0, le=1)


class Risk(Strict):
    label: str
    grades: list[Grade]
    min_dimension_weight: float = Field(ge=0, le=1)
    min_dimensions: int = Field(ge=1)
    drivers: int = Field(ge=1)
    default_cap: DefaultCap | None = None
    exchange_regime: ExchangeRegime | None = None
    confidence: Confidence | None = None
    dimensions: dict[str, Dimension]

    @model_validator(mode="after")
    def _grades_descend(self) -> Risk:
        mins = [g.min for g in self.grades]
        if mins != sorted(mins, reverse=True) or mins[-1] != 0:
            raise ValueError("grades must go from the best to the worst, the last one from 0")
        return self

    def grade(self, score: float) -> str:
        return next(g.grade for g in self.grades if score >= g.min)

    def capped(self, grade: str, cap: str) -> str:
        """The worse of ``grade`` and ``cap``."""
        order = [g.grade for g in self.grades]
        return order[max(order.index(grade), order.index(cap))]


class Opportunities(Strict):
    label: str
    needs: dict[str, Indicator]
    min_need_weight: float = Field(ge=0, le=1)
    high_need: float = Field(ge=0, le=1)
    manageable_grade: str


class LatestYear(Strict):
    indicator: str
    min_share: float = Field(gt=0, le=1)


class Equivalent(Strict):
    """A series that stands in for another where that one has no value for the year."""

    indicator: str
    scale: float = 1.0
    note: str


CAMEO_ROOT = r"^(0[1-9]|1[0-9]|20)$"


class NewsFamily(Strict):
    """A family of CAMEO event root codes (code -> CAMEO's name for it)."""

    label: str
    roots: dict[Annotated[str, Field(pattern=CAMEO_ROOT)], str]

    @model_validator(mode="after")
    def _some_roots(self) -> NewsFamily:
        if not self.roots:
            raise ValueError("a family needs at least one CAMEO root code")
        return self


class NewsEvents(Strict):
    """Indicators of China–LAC events in the news (GDELT), per country, month and family."""

    label: str
    families: dict[str, NewsFamily]
    tone_weight: Literal["num_articles", "none"] = "num_articles"
    note: str

    @model_validator(mode="after")
    def _families_apart(self) -> NewsEvents:
        if not self.families:
            raise ValueError("news_events needs at least one family")
        seen: dict[str, str] = {}
        for name, family in self.families.items():
            for root in family.roots:
                if root in seen:
                    raise ValueError(f"CAMEO root {root} is in two families ({seen[root]} and {name})")
                seen[root] = name
        return self

    def family_of(self) -> dict[str, str]:
        """CAMEO root code -> the family it belongs to."""
        return {root: name for name, f in self.families.items() for root in f.roots}


class Method(Strict):
    version: str
    released: str
    first_year: int
    latest_year: LatestYear
    equivalents: dict[str, list[Equivalent]] = {}
    connectivity: Connectivity
    risk: Risk
    opportunities: Opportunities
    news_events: NewsEvents | None = None  # method 2.1.0 on; a method file without it has no news indicators
    sha256: str = ""

    @model_validator(mode="after")
    def _known_grade(self) -> Method:
        grades = [g.grade for g in self.risk.grades]
        if self.opportunities.manageable_grade not in grades:
            raise ValueError(f"opportunities.manageable_grade must be one of {', '.join(grades)}")
        cap = self.risk.default_cap
        if cap is not None and any(g not in grades for g in (cap.max_grade, cap.after_max_grade or cap.max_grade)):
            raise ValueError(f"risk.default_cap grades must be among {', '.join(grades)}")
        return self

    def stand_ins(self) -> dict[str, list[tuple[str, float]]]:
        """indicator -> [(equivalent indicator, scale)], for Facts."""
        return {k: [(e.indicator, e.scale) for e in v] for k, v in self.equivalents.items()}

    def stated_used(self) -> set[str]:
        """Series read with every period (counts stated on a date), for the ``stock`` measure."""
        groups = [*self.connectivity.dimensions.values(), *self.risk.dimensions.values()]
        return {i.indicator for d in groups for i in d.indicators.values() if i.measure == "stock" and i.indicator}

    def manageable_risk(self) -> float:
        """The lowest risk score whose grade is still manageable for the opportunity view."""
        return next(g.min for g in self.risk.grades if g.grade == self.opportunities.manageable_grade)

    def series_used(self) -> set[str]:
        out = {self.latest_year.indicator}
        groups = [*self.connectivity.dimensions.values(), *self.risk.dimensions.values()]
        indicators = [i for d in groups for i in d.indicators.values()] + list(self.opportunities.needs.values())
        for ind in indicators:
            out |= {s.indicator for s in ind.series_used() if s.indicator}
            if ind.measure == "project_value":
                out.add("NY.GDP.MKTP.CD")
        if self.risk.exchange_regime is not None:
            out |= {self.risk.exchange_regime.indicator, "FI.RES.TOTL.CD", "TM.VAL.MRCH.CD.WT"}
        return out


# ---------------------------------------------------------------------------- alerts


class Thresholds(Strict):
    warning: float | None = None
    severe: float | None = None


class NewsLink(Strict):
    """What links a news event to Chinese projects or firms: how the selection matched it
    (``match``), or a Chinese actor in one of ``actor_roles``: a CAMEO actor code is made of
    three-letter parts (country, then roles: CHNBUS, a Chinese business; MNCCHN, a multinational
    based in China), and the actor is Chinese when one part, or its country code, is CHN."""

    match: list[Literal["actor", "geo", "entity"]] = []
    actor_roles: list[Annotated[str, Field(pattern=r"^[A-Z]{3}$")]] = []

    def linked(self, match: str | None, actors: tuple[tuple[str | None, str | None], ...]) -> str | None:
        """Why an event is linked ("entity", or "Chinese actor CHNBUS"), or None; ``actors``
        holds each actor's (CAMEO code, country code)."""
        if match in self.match:
            return str(match)
        for code, country in actors:
            if not isinstance(code, str) or not code:
                continue
            parts = {code[i : i + 3] for i in range(0, len(code) - 2, 3)}
            if ("CHN" in parts or country == "CHN") and parts & set(self.actor_roles):
                return f"Chinese actor {code}"
        return None


class AlertRule(Strict):
    label: str
    kind: Literal["level", "change", "ratio", "governance_drop", "event", "news_surge"]
    severity: Literal["info", "warning", "severe"] | None = None  # events only
    indicator: str | None = None
    indicators: list[str] = []
    numerator: list[SeriesRef] = []
    denominator: list[SeriesRef] = []
    scale: float = 1.0
    invert: bool = False
    crossing: bool = False  # level only: fire in the year the value passes a threshold, not every year beyond it
    above: Thresholds | None = None
    below: Thresholds | None = None
    min_drop: Thresholds | None = None
    confidence_z: float = 1.645
    kinds: list[str] = []
    # news_surge: CAMEO root code -> what one event of it is called in the explanation
    roots: dict[Annotated[str, Field(pattern=CAMEO_ROOT)], str] = {}
    linked: NewsLink | None = None
    baseline_months: int | None = Field(default=None, ge=1)
    min_history_months: int | None = Field(default=None, ge=1)
    min_events: Thresholds | None = None
    ratio: Thresholds | None = None
    without_history: Thresholds | None = None
    unit: str = ""
    explanation: str

    @model_validator(mode="after")
    def _complete(self) -> AlertRule:
        ok = {
            "level": bool(self.indicator and (self.above or self.below)),
            "change": bool(self.indicator and (self.above or self.below)),
            "ratio": bool(self.numerator and self.denominator and (self.above or self.below)),
            "governance_drop": bool(self.indicators and self.min_drop),
            "event": bool(self.kinds and self.severity),
            "news_surge": bool(
                self.roots
                and self.linked
                and (self.linked.match or self.linked.actor_roles)
                and self.baseline_months
                and self.min_history_months
                and self.min_events
                and self.ratio
                and self.without_history
            ),
        }[self.kind]
        if not ok:
            raise ValueError(f"an alert of kind {self.kind!r} is missing its parameters")
        if self.kind == "news_surge":
            assert self.min_history_months and self.baseline_months
            if self.min_history_months > self.baseline_months:
                raise ValueError("min_history_months cannot exceed baseline_months")
            for name in ("min_events", "ratio", "without_history"):
                bounds: Thresholds = getattr(self, name)
                if bounds.warning is None or bounds.severe is None:
                    raise ValueError(f"{name} needs both a warning and a severe threshold")
                if not 0 < bounds.warning <= bounds.severe:
                    raise ValueError(f"{name}: thresholds must be positive, warning at most severe")
        return self


class Alerts(Strict):
    version: str
    released: str
    first_year: int
    rules: dict[str, AlertRule]
    sha256: str = ""

    def series_used(self) -> set[str]:
        out: set[str] = set()
        for r in self.rules.values():
            out |= {r.indicator} if r.indicator else set()
            out |= set(r.indicators) | {f"{i[:-4]}.STD.ERR" for i in r.indicators if i.endswith(".EST")}
            out |= {s.indicator for s in [*r.numerator, *r.denominator]}
        return out

    def news_roots(self) -> set[str]:
        """The CAMEO root codes of the news events the rules read."""
        return {root for r in self.rules.values() for root in r.roots}


# ---------------------------------------------------------------------------- loading


def _describe(exc: ValidationError, label: str) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    more = len(exc.errors()) - 1
    return f"{label}: {where}: {first['msg']}" + (f" (and {more} more)" if more else "")


def _read_yaml(text: str, label: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MethodError(f"{label} is not valid YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, dict):
        raise MethodError(f"{label} must be a mapping of keys to values")
    return data


def _load(model: type[Method] | type[Alerts], text: str, label: str) -> Any:
    data = _read_yaml(text, label)
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        raise MethodError(_describe(exc, label)) from exc
    return parsed.model_copy(update={"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})


def _packaged(name: str) -> str:
    return importlib_resources.files("lazos.analytics").joinpath(name).read_text("utf-8")


@cache
def default_method() -> Method:
    return _load(Method, _packaged("method.yaml"), "lazos/analytics/method.yaml")


@cache
def default_alerts() -> Alerts:
    return _load(Alerts, _packaged("alerts.yaml"), "lazos/analytics/alerts.yaml")


def load_method(path: str | Path) -> Method:
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MethodError(f"cannot read the method file {p}: {exc}") from exc
    return _load(Method, text, str(p))


# ---------------------------------------------------------------------------- user weights


class WeightsFile(Strict):
    """A user's weights: dimensions (relative), and optionally indicators within a dimension."""

    dimensions: dict[str, Annotated[float, Field(ge=0)]] = {}
    indicators: dict[str, dict[str, Annotated[float, Field(ge=0)]]] = {}


def read_weights(path: str | Path) -> WeightsFile:
    """A YAML or JSON weights file: ``{dimensions: {policy: 2, ...}, indicators: {...}}``.

    A flat mapping ``{policy: 2, trade: 1}`` is read as dimension weights.
    """
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MethodError(f"cannot read the weights file {p}: {exc}") from exc
    return weights_from(_read_yaml(text, f"weights file {p}"), f"weights file {p}")


def weights_from(data: Any, where: str = "weights") -> WeightsFile:
    """Weights from a mapping, as a weights file holds them (a flat mapping is dimension weights)."""
    if not isinstance(data, dict):
        raise MethodError(f"{where}: give a mapping of dimension names to weights")
    if not ({"dimensions", "indicators"} & set(data)):
        data = {"dimensions": data}
    try:
        return WeightsFile.model_validate(data)
    except ValidationError as exc:
        raise MethodError(_describe(exc, where)) from exc


def with_weights(method: Method, weights: WeightsFile | None, section: str = "connectivity") -> Method:
    """The method with a user's weights applied; unknown names are an error, not ignored."""
    if weights is None:
        return method
    part: Connectivity | Risk = getattr(method, section)
    dims = dict(part.dimensions)
    for name in [*weights.dimensions, *weights.indicators]:
        if name not in dims:
            raise MethodError(f"unknown dimension {name!r} in the weights file (known: {', '.join(dims)})")
    if weights.dimensions and not any(
        weights.dimensions.get(n, d.weight) > 0 and d.measured() for n, d in dims.items()
    ):
        raise MethodError("the weights file gives no weight to any measured dimension")
    for name, dim in dims.items():
        update: dict[str, Any] = {}
        if name in weights.dimensions:
            update["weight"] = weights.dimensions[name]
        if name in weights.indicators:
            inds = dict(dim.indicators)
            for ind_name, w in weights.indicators[name].items():
                if ind_name not in inds:
                    raise MethodError(
                        f"unknown indicator {name}.{ind_name} in the weights file (known: {', '.join(inds)})"
                    )
                if not inds[ind_name].measured:
                    raise MethodError(f"{name}.{ind_name} is not measured; it cannot take a weight")
                if w <= 0:
                    raise MethodError(f"{name}.{ind_name}: an indicator weight must be positive")
                inds[ind_name] = inds[ind_name].model_copy(update={"weight": w})
            update["indicators"] = inds
        if update:
            dims[name] = dim.model_copy(update=update)
    custom = json.dumps(weights.model_dump(), sort_keys=True)
    return method.model_copy(
        update={
            section: part.model_copy(update={"dimensions": dims}),
            "version": f"{method.version}+weights.{hashlib.sha256(custom.encode()).hexdigest()[:8]}",
        }
    )
