"""The raw-file readers never crash on arbitrary input: a located error or a result."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from conftest import stage_file, three_country_store
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazos.errors import LazosError
from lazos.sources import cameo, gcdf, trade, wdi, wgi
from lazos.store.package import read_package

CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "..", "NA", "1,234", "1.5", "-3", "nan", "inf", "ARG", "BRA", "2020", '"', "\r\n", "\t"]),
)
HEADERS = st.sampled_from(
    [
        ["Country Name", "Country Code", "Indicator Name", "Indicator Code", "1960", "1961", ""],
        ["Country Name", "Country Code", "Series Name", "Series Code", "2015 [YR2015]"],
        ["Country Name", "Country Code", "Year", "Value"],
        [
            "codeindyr",
            "code",
            "countryname",
            "year",
            "indicator",
            "estimate",
            "stddev",
            "nsource",
            "pctrank",
            "pctranklower",
            "pctrankupper",
        ],
        ["refYear", "partnerDesc", "Trocas", "Exportações", "Importações", "Saldo"],
        ["AidData.Record.ID", "Title", "Status", "Sector.Name", "Recipient", "Recipient.ISO-3"],
    ]
)


def csv_text(header, rows) -> str:
    def quote(c: str) -> str:
        return '"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\r\n') else c

    return "\n".join(",".join(quote(c) for c in row) for row in [header, *rows]) + "\n"


def run(connector, path: Path) -> None:
    with three_country_store() as con:
        stage_file(con, connector, path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    HEADERS, st.lists(st.lists(CELLS, min_size=0, max_size=12), max_size=6), st.sampled_from([wdi, wgi, trade, gcdf])
)
def test_csv_readers_give_errors_not_crashes(header, rows, connector):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.csv"
        path.write_text(csv_text(header, rows), "utf-8")
        run(connector, path)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([wdi, wgi, trade, gcdf, cameo]))
def test_arbitrary_bytes_give_errors_not_crashes(data, connector):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.csv"
        path.write_bytes(data)
        run(connector, path)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(CELLS, min_size=1, max_size=10), max_size=5))
def test_package_reader_gives_errors_not_crashes(rows):
    import shutil

    from lazos.paths import embedded_data_dir

    with tempfile.TemporaryDirectory() as tmp:
        package = Path(tmp) / "package"
        shutil.copytree(embedded_data_dir(), package, ignore=shutil.ignore_patterns("observations.csv", "project_*"))
        for name in ("observations.csv",):
            (package / name).write_text(
                csv_text(["entity", "partner", "indicator", "period", "value", "source_id"], rows), "utf-8"
            )
        with contextlib.suppress(LazosError):
            read_package(package)
