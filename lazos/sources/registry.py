"""The registry of dataset connectors: every ``lazos import`` SOURCE, in snapshot order.

Curated comes first: its countries are the names the other datasets' rows resolve to. Look a
connector up with :func:`lazos.sources.base.connector`; the import and fetch commands' help is
written from this registry.
"""

from __future__ import annotations

from lazos.sources import cameo, comtrade, curated, fdi, gcdf, gdelt, people, sovereign, trade, wdi, weo, wgi
from lazos.sources.base import Connector

REGISTRY: dict[str, Connector] = {
    c.name: c
    for c in (
        curated.CONNECTOR,
        sovereign.CONNECTOR,
        people.CONNECTOR,
        fdi.CONNECTOR,
        wdi.CONNECTOR,
        wgi.CONNECTOR,
        gcdf.CONNECTOR,
        trade.CONNECTOR,
        comtrade.CONNECTOR,
        cameo.CONNECTOR,
        gdelt.CONNECTOR,
        weo.CONNECTOR,
    )
}


def fetchable() -> dict[str, Connector]:
    """The connectors that can download from their publisher's API (``lazos fetch NAME``)."""
    return {name: c for name, c in REGISTRY.items() if c.fetch is not None}
