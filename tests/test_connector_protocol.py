"""Every dataset connector implements one protocol (lazos.sources.base.Connector), is in one
registry (lazos.sources.registry), and the import and fetch commands' help comes from it."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest
import typer.main

from lazos.cli.main import app
from lazos.errors import LazosError
from lazos.sources.base import Connector, Fetch, FetchOption, connector, no_finish
from lazos.sources.registry import REGISTRY, fetchable

SOURCES = Path(__file__).resolve().parents[1] / "lazos" / "sources"


def positional(func) -> list[str]:
    """The parameters a caller must give (those without a default), in order."""
    return [p.name for p in inspect.signature(func).parameters.values() if p.default is inspect.Parameter.empty]


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_every_connector_module_is_registered():
    declared = {path.stem for path in SOURCES.glob("*.py") if "\nCONNECTOR = Connector(" in path.read_text("utf-8")}
    assert declared == set(REGISTRY)
    assert next(iter(REGISTRY)) == "curated"  # the snapshot stages its countries first


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_registered_connector_implements_the_protocol(name):
    dataset = REGISTRY[name]
    module = importlib.import_module(f"lazos.sources.{name}")
    assert isinstance(dataset, Connector) and module.CONNECTOR is dataset
    assert dataset.name == module.NAME == name and dataset.title == module.TITLE
    for text in (dataset.title, dataset.description):
        assert isinstance(text, str) and text.strip() and "\n" not in text
    assert dataset.layouts and all(isinstance(layout, str) and layout.strip() for layout in dataset.layouts)
    assert dataset.stage is module.stage and dataset.snapshot is module.snapshot
    assert positional(dataset.stage) == ["path", "staging", "ctx"]
    assert positional(dataset.snapshot) == ["raw_dir", "staging", "ctx"]
    assert dataset.finish is getattr(module, "finish", no_finish)
    assert positional(dataset.finish) == ["staging", "ctx"]
    assert (dataset.fetch is None) == (not hasattr(module, "fetch"))


@pytest.mark.parametrize("name", list(fetchable()))
def test_every_fetch_option_sets_a_keyword_of_the_download(name):
    download = REGISTRY[name].fetch
    assert isinstance(download, Fetch) and download.help.strip() and "\n" not in download.help
    parameters = inspect.signature(download.run).parameters
    assert positional(download.run)[:2] == ["staging", "ctx"]
    keywords = {p.name: p for p in parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    options = download.options
    assert all(isinstance(o, FetchOption) and o.name.isidentifier() for o in options)
    assert len({o.name for o in options}) == len(options)
    assert {o.target for o in options} == set(keywords) - {"client"}  # (client: the tests' stand-in network)
    for option in options:
        if option.required:
            assert keywords[option.target].default is inspect.Parameter.empty, option.name


def test_the_registry_is_the_list_of_sources_an_unknown_one_is_told():
    assert connector("wdi") is REGISTRY["wdi"]
    with pytest.raises(LazosError) as info:
        connector("nope")
    assert str(info.value) == (
        "unknown source 'nope' (choose from curated, sovereign, people, fdi, wdi, wgi, gcdf, trade, comtrade, "
        "cameo, gdelt, weo)"
    )


def test_a_connector_without_an_api_is_not_fetched(db_copy):
    from lazos.store.importer import fetch

    with pytest.raises(LazosError, match=r"the wgi connector reads files only: use `lazos import wgi FILE`"):
        fetch(db_copy, "wgi", {})


def test_import_help_lists_exactly_the_registered_connectors(cli):
    app_command = typer.main.get_command(app)
    importer = app_command.commands["import"]
    source = next(p for p in importer.params if p.name == "source")
    listed = source.help.removeprefix("Dataset: ").removesuffix(" (see below).").replace(" or ", ", ").split(", ")
    assert listed == list(REGISTRY)
    paragraphs = importer.help.split("\n\nSources:\n\n", 1)[1].split("\n\n")
    assert [p.split(":", 1)[0] for p in paragraphs] == list(REGISTRY)
    rendered = cli("import", "--help", db=None)
    assert rendered.code == 0
    for dataset in REGISTRY.values():
        assert one_line(dataset.help()) in one_line(rendered.out)


def test_fetch_commands_are_the_fetchable_connectors_with_their_options(cli):
    app_command = typer.main.get_command(app)
    commands = app_command.commands["fetch"].commands
    assert list(commands) == list(fetchable())
    for name, command in commands.items():
        download = REGISTRY[name].fetch
        assert command.help == download.help
        params = {p.name: p for p in command.params if p.name != "db"}
        assert list(params) == [o.name for o in download.options]
        for option in download.options:
            assert params[option.name].help == option.help
            assert params[option.name].required == option.required
            assert params[option.name].multiple == option.multiple
        rendered = cli("fetch", name, "--help", db=None)
        assert rendered.code == 0 and one_line(download.help) in one_line(rendered.out)


@pytest.fixture()
def network(monkeypatch):
    """The publishers' APIs, answered here: every request made is kept, and ``answer`` replies."""
    httpx = pytest.importorskip("httpx")
    seen: list = []
    answer = {"body": None}
    real = httpx.Client

    def handler(request):
        seen.append(request)
        return httpx.Response(200, json=answer["body"])

    monkeypatch.setattr(httpx, "Client", lambda **kw: real(transport=httpx.MockTransport(handler), **kw))
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    return seen, answer


def test_fetch_comtrade_sends_its_options_to_the_api(cli, db_copy, network):
    seen, answer = network
    answer["body"] = {"elapsedTime": "0.1 secs", "count": 0, "data": [], "error": ""}
    args = ("fetch", "comtrade", "--reporter", "CHN", "--partner", "BRA", "--partner", "ARG", "--period", "2023")
    result = cli(*args, "--services", db=db_copy)
    assert result.code == 0, result.err
    url = seen[0].url
    assert url.path == "/public/v1/preview/S/A/EB"
    assert (url.params["reporterCode"], url.params["partnerCode"], url.params["period"]) == ("156", "76,32", "2023")
    assert url.params["flowCode"] == "M,X" and "the response holds no data" in result.out
    goods = cli(*args, "--flow", "X", db=db_copy)
    assert goods.code == 0, goods.err
    assert seen[1].url.path == "/public/v1/preview/C/A/HS" and seen[1].url.params["flowCode"] == "X"


def test_fetch_wdi_sends_its_options_to_the_api(cli, db_copy, network):
    seen, answer = network
    meta = {"page": 1, "pages": 1, "per_page": 1000, "total": 1, "sourceid": "2", "lastupdated": "2026-10-15"}
    record = {
        "indicator": {"id": "SP.POP.TOTL", "value": "Population, total"},
        "country": {"id": "AR", "value": "Argentina"},
        "countryiso3code": "ARG",
        "date": "2000",
        "value": 36_870_796,
        "unit": "",
        "obs_status": "",
        "decimal": 0,
    }
    answer["body"] = [meta, [record]]
    args = ("fetch", "wdi", "--indicator", "SP.POP.TOTL", "--country", "ARG", "--country", "BRA", "--date", "2000:2001")
    result = cli(*args, db=db_copy)
    assert result.code == 0, result.err
    assert seen[0].url.path == "/v2/country/ARG;BRA/indicator/SP.POP.TOTL"
    assert seen[0].url.params["date"] == "2000:2001"
    every = cli("fetch", "wdi", "--indicator", "SP.POP.TOTL", db=db_copy)
    assert every.code == 0, every.err
    assert seen[1].url.path == "/v2/country/all/indicator/SP.POP.TOTL" and "date" not in seen[1].url.params


def test_import_curated_reads_the_five_files_together_or_says_what_is_missing(shared_data, cli, db_copy):
    folder = shared_data / "curated"
    result = cli("import", "curated", str(folder), db=db_copy)
    assert result.code == 0, result.err
    assert f"read {folder}: 5 curated file(s)" in one_line(result.out)
    alone = cli("import", "curated", str(folder / "bri_mou.csv"), db=db_copy)
    assert alone.code == 1 and "Traceback" not in alone.err and "AttributeError" not in alone.err
    assert "the curated facts are imported together" in one_line(alone.err)


def test_an_unknown_source_is_refused_with_the_registered_ones(cli, db_copy, tmp_path):
    result = cli("import", "nope", str(tmp_path / "countries.csv"), db=db_copy)
    assert result.code == 1 and "Traceback" not in result.err
    assert f"unknown source 'nope' (choose from {', '.join(REGISTRY)})" in one_line(result.err)
