"""Connector: the UN Comtrade API v1 (``/data/v1/get/{type}/{freq}/{classification}``).

Reads the API's JSON body, from a file or from ``lazos fetch comtrade``: a data body
``{"elapsedTime", "count", "data": [...], "error": ""}`` (possibly empty), or an error body
such as ``{"statusCode": 401, "message": "Access denied ..."}``, which stops the import with
the API's message.

Each record becomes an observation reported by ``reporterISO`` about ``partnerISO`` (World,
code 0, is WLD): goods exports are FOB (``fobvalue``, else ``primaryValue``), goods imports
CIF (``cifvalue``, else ``primaryValue``); re-exports and re-imports likewise; services
(type S) exports and imports. Totals over all commodities keep the plain indicator codes;
a commodity breakdown gets ``.hs.<code>`` (or ``.ebops.<code>`` for services). Breakdowns by
customs procedure, mode of transport or second partner are left out and counted.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

import pycountry

from lazos.errors import DataError, LazosError, ValidationError
from lazos.sources.base import Connector, Context, Fetch, FetchOption, origin_of
from lazos.sources.common import file_sha256, source_row
from lazos.sources.rawfiles import fail, finite_number, load_json_file
from lazos.sources.trade import INDICATORS as TRADE_INDICATORS
from lazos.store.staging import Staging

NAME = "comtrade"
TITLE = "UN Comtrade API v1"
API = "https://comtradeapi.un.org"
KEY_ENV = "COMTRADE_API_KEY"
FLOWS = {
    ("C", "X"): ("goods_exports_fob", "fobvalue"),
    ("C", "M"): ("goods_imports_cif", "cifvalue"),
    ("C", "RX"): ("goods_reexports_fob", "fobvalue"),
    ("C", "RM"): ("goods_reimports_cif", "cifvalue"),
    ("S", "X"): ("services_exports", None),
    ("S", "M"): ("services_imports", None),
}
EXTRA_INDICATORS = {
    "goods_reexports_fob": (
        "Goods re-exports to the partner (FOB, reported by the exporter)",
        "Re-exports of the entity to the partner, valued free on board.",
    ),
    "goods_reimports_cif": (
        "Goods re-imports from the partner (CIF, reported by the importer)",
        "Re-imports of the entity from the partner, valued CIF.",
    ),
    "services_exports": (
        "Services exports to the partner (reported by the exporter)",
        "Exports of services of the entity to the partner.",
    ),
    "services_imports": (
        "Services imports from the partner (reported by the importer)",
        "Imports of services of the entity from the partner.",
    ),
}


def _base_indicators() -> dict[str, tuple[str, str]]:
    out = {code: (name, text) for code, name, _unit, text in TRADE_INDICATORS}
    return out | EXTRA_INDICATORS


def parse_body(payload: Any, label: str) -> list[dict[str, Any]]:
    """The records of a Comtrade v1 body; raise with the API's own message on an error body."""
    if not isinstance(payload, dict):
        raise ValidationError([DataError("malformed-json", "not a UN Comtrade API response", label)])
    if "statusCode" in payload and payload.get("statusCode") not in (200, None):
        raise ValidationError(
            [
                DataError(
                    "api-error",
                    f"UN Comtrade refused the request ({payload['statusCode']}): {payload.get('message', '')}"
                    + (f" Set {KEY_ENV} to a subscription key." if payload["statusCode"] == 401 else ""),
                    label,
                )
            ]
        )
    if payload.get("error"):
        raise ValidationError(
            [DataError("api-error", f"UN Comtrade answered with an error: {payload['error']}", label)]
        )
    data = payload.get("data")
    if not isinstance(data, list):
        raise ValidationError([DataError("malformed-json", "the response has no 'data' list", label)])
    return data


_PERIOD = re.compile(r"^\d{4}(\d{2})?$")
_COMMODITY = re.compile(r"^[A-Za-z0-9]+$")


def _iso3(record: dict[str, Any], side: str) -> str | None:
    iso = record.get(f"{side}ISO")
    code = record.get(f"{side}Code")
    if code in (0, "0") or iso in ("W00",):
        return "WLD"
    if isinstance(iso, str) and len(iso) == 3 and iso.isalpha():
        return iso
    if (isinstance(code, int) and not isinstance(code, bool)) or (isinstance(code, str) and code.isdigit()):
        found = pycountry.countries.get(numeric=f"{int(code):03d}")
        if found:
            return found.alpha_3
    return None


def _period(record: dict[str, Any]) -> str | None:
    """YYYY or YYYY-MM from ``period`` (else ``refYear``), as the API writes them (2010, 201003)."""
    raw = record.get("period") or record.get("refYear")
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not _PERIOD.match(str(raw)):
        return None
    text = str(raw)
    if len(text) == 6:
        if not 1 <= int(text[4:]) <= 12:
            return None
        return f"{text[:4]}-{text[4:]}"
    return text


def stage_records(
    records: list[dict[str, Any]],
    staging: Staging,
    ctx: Context,
    label: str,
    source: dict[str, Any],
) -> str:
    staging.add_rows("sources", [source], label)
    known = ctx.stored("indicator", "indicator") | {r["indicator"] for r in staging.rows("indicators")}
    base = _base_indicators()
    new_indicators: dict[str, dict[str, Any]] = {}
    rows, errors, seen = [], [], set()
    for i, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            errors.append(DataError("malformed-json", "a record of 'data' is not an object", label, i))
            continue
        kind, flow = rec.get("typeCode"), rec.get("flowCode")
        if not isinstance(kind, str) or not isinstance(flow, str) or (kind, flow) not in FLOWS:
            staging.skip(f"{label}: flows other than exports, imports, re-exports and re-imports")
            continue
        if (
            str(rec.get("customsCode", "C00")) != "C00"
            or str(rec.get("motCode", 0)) != "0"
            or str(rec.get("partner2Code", 0)) != "0"
        ):
            staging.skip(f"{label}: breakdowns by customs procedure, transport mode or second partner")
            continue
        indicator, preferred = FLOWS[(kind, flow)]
        cmd = str(rec.get("cmdCode", "TOTAL"))
        if not _COMMODITY.match(cmd):
            errors.append(DataError("invalid-value", f"{cmd!r} is not a commodity code", label, i, "cmdCode"))
            continue
        if cmd != "TOTAL":
            scheme = "hs" if kind == "C" else "ebops"
            name, text = base[indicator]
            new_code = f"{indicator}.{scheme}.{cmd}"
            if new_code not in known:
                new_indicators[new_code] = {
                    "indicator": new_code,
                    "name": f"{name}: {rec.get('cmdDesc') or cmd} ({scheme.upper()} {cmd})",
                    "unit": "USD",
                    "topic": "trade",
                    "description": text,
                    "source_id": source["source_id"],
                }
            indicator = new_code
        elif indicator not in known:
            name, text = base[indicator]
            new_indicators[indicator] = {
                "indicator": indicator,
                "name": name,
                "unit": "USD",
                "topic": "trade",
                "description": text,
                "source_id": source["source_id"],
            }
        reporter, partner = _iso3(rec, "reporter"), _iso3(rec, "partner")
        column = preferred if preferred and rec.get(preferred) is not None else "primaryValue"
        raw, period = rec.get(column), _period(rec)
        if not reporter or not partner or raw is None or period is None:
            errors.append(DataError("malformed-json", "record lacks reporter, partner, period or value", label, i))
            continue
        value = finite_number(raw, text=True)
        if value is None:
            errors.append(DataError("invalid-value", f"{raw!r} is not a finite number", label, i, column))
            continue
        found = [ctx.resolver.classify(c) for c in (reporter, partner)]
        if any(f.unknown for f in found):
            errors.append(DataError("unknown-country", f"unknown country in {reporter}–{partner}", label, i))
            continue
        if any(f.iso3 is None for f in found):
            staging.skip(f"{label}: {next(f.excluded for f in found if f.iso3 is None)}")
            continue
        key = (found[0].iso3, found[1].iso3, indicator, period)
        if key in seen:
            errors.append(DataError("duplicate-key", f"{key} appears twice", label, i))
            continue
        seen.add(key)
        rows.append(
            {
                "entity": key[0],
                "partner": key[1],
                "indicator": indicator,
                "period": period,
                "value": value,
                "source_id": source["source_id"],
                "_row": i,
            }
        )
    if errors:
        raise ValidationError(errors)
    staging.add_rows("indicators", list(new_indicators.values()), label)
    staging.add_rows("observations", rows, label)
    return f"{label}: {len(rows)} values from UN Comtrade" + ("" if rows else " (the response holds no data)")


def _source(ctx: Context, label: str, digest: str, url: str | None, retrieved: str | None) -> dict[str, Any]:
    return source_row(
        source_id=f"un-comtrade-api-{digest[:12]}",
        kind="dataset",
        title=f"UN Comtrade API v1 response ({label})",
        publisher="United Nations Statistics Division (UN Comtrade)",
        url=url or API,
        licence=None,
        published=None,
        retrieved=retrieved or ctx.retrieved(),
        content_hash=digest,
        dataset="un-comtrade",
        note="UN Comtrade data, subject to its terms of use.",
    )


def stage(path: Path, staging: Staging, ctx: Context) -> str:
    if not path.is_file():
        fail("missing-file", "file not found", path)
    payload = load_json_file(
        path, "{", "a UN Comtrade API v1 response"
    )  # an API v1 body is an object: anything else is refused unread
    records = parse_body(payload, str(path))
    origin = origin_of(ctx, path)
    source = _source(ctx, path.name, file_sha256(path), origin.get("url"), origin.get("retrieved"))
    if origin.get("title"):
        source["title"] = origin["title"]
    return stage_records(records, staging, ctx, str(path), source)


def snapshot(raw_dir: Path, staging: Staging, ctx: Context) -> list[str]:
    """The recorded API responses (China's goods trade with Argentina in 2010; an empty answer)."""
    folder = raw_dir / "api_responses"
    return [
        stage(folder / name, staging, ctx)
        for name in (
            "comtrade_v1_get_C_A_HS_reporter156_partners32-276_2010.json",
            "comtrade_v1_get_S_A_EB_reporter156_2010_empty.json",
        )
    ]


# ---------------------------------------------------------------------------- online


def request_url(
    reporter: list[str],
    partner: list[str],
    period: list[str],
    *,
    flow: str = "M,X",
    kind: str = "C",
    frequency: str = "A",
    commodity: str = "TOTAL",
    key: str | None = None,
) -> str:
    """The v1 URL for a request; without a key, the public preview endpoint (500 records at most)."""
    from urllib.parse import urlencode

    def m49(code: str) -> str:
        if code.upper() in ("WLD", "0", "W00"):
            return "0"
        found = pycountry.countries.get(alpha_3=code.upper()) or pycountry.countries.get(alpha_2=code.upper())
        if found is None:
            raise LazosError(f"unknown country code {code!r} for UN Comtrade")
        return str(int(found.numeric))

    classification = "HS" if kind == "C" else "EB"
    base = f"{API}/data/v1/get" if key else f"{API}/public/v1/preview"
    query = {
        "reporterCode": ",".join(m49(c) for c in reporter),
        "partnerCode": ",".join(m49(c) for c in partner),
        "period": ",".join(period),
        "flowCode": flow,
        "cmdCode": commodity,
        "customsCode": "C00",
        "motCode": "0",
        "partner2Code": "0",
        "includeDesc": "true",
    }
    return f"{base}/{kind}/{frequency}/{classification}?{urlencode(query)}"


def fetch(
    staging: Staging,
    ctx: Context,
    *,
    reporter: list[str],
    partner: list[str],
    period: list[str],
    flow: str = "M,X",
    kind: str = "C",
    client: Any = None,
) -> str:
    """Download one request from the API and stage its records (``lazos fetch comtrade``)."""
    import httpx

    key = os.environ.get(KEY_ENV)
    url = request_url(reporter, partner, period, flow=flow, kind=kind, key=key)
    headers = {"Ocp-Apim-Subscription-Key": key} if key else {}
    own = client is None
    client = client or httpx.Client(timeout=60)
    try:
        response = client.get(url, headers=headers)
    except httpx.HTTPError as exc:
        raise LazosError(f"cannot reach UN Comtrade ({exc.__class__.__name__}): {exc}") from exc
    finally:
        if own:
            client.close()
    try:
        payload = response.json()
    except (ValueError, RecursionError) as exc:  # (RecursionError: nested beyond reading)
        raise LazosError(f"UN Comtrade answered {response.status_code} with a body that is not JSON") from exc
    if response.status_code != 200 and isinstance(payload, dict):
        payload.setdefault("statusCode", response.status_code)
    records = parse_body(payload, url)
    source = _source(
        ctx,
        f"{kind} {flow} {'/'.join(reporter)}–{'/'.join(partner)} {'/'.join(period)}",
        hashlib.sha256(response.content).hexdigest(),
        url,
        None,
    )
    return stage_records(records, staging, ctx, url, source)


CONNECTOR = Connector(
    name=NAME,
    title=TITLE,
    description="answers of the UN Comtrade API v1: trade values by reporter and partner",
    layouts=("the API's JSON body, .json",),
    stage=stage,
    snapshot=snapshot,
    fetch=Fetch(
        help="Download from the UN Comtrade API v1 (set COMTRADE_API_KEY for more than the preview).",
        run=fetch,
        options=(
            FetchOption("reporter", "Reporter ISO code (repeatable), e.g. CHN.", required=True, multiple=True),
            FetchOption("partner", "Partner ISO code (repeatable); WLD for the world.", required=True, multiple=True),
            FetchOption("period", "Year (repeatable), e.g. 2023.", required=True, multiple=True),
            FetchOption("flow", "Flows: M, X, RM, RX, comma-separated.", default="M,X"),
            FetchOption(
                "services",
                "Trade in services instead of goods.",
                keyword="kind",
                default=False,
                convert=lambda services: "S" if services else "C",
            ),
        ),
    ),
)
