"""`lazos snapshot` regenerates the committed embedded dataset exactly from the raw files."""

import pytest

from lazos.paths import embedded_data_dir
from lazos.sources import curated
from lazos.sources.snapshot import snapshot


def test_snapshot_reproduces_the_committed_files(shared_data, tmp_path):
    out = tmp_path / "data"
    snapshot(shared_data, out)
    committed = sorted(p.name for p in embedded_data_dir().iterdir() if p.suffix in (".csv", ".json"))
    assert sorted(p.name for p in out.iterdir()) == committed
    for name in committed:
        assert (out / name).read_bytes() == (embedded_data_dir() / name).read_bytes(), name


def test_every_curated_fact_is_carried_over_or_excluded_with_a_reason(shared_data):
    raw = curated.read(shared_data / "curated")
    rows = curated.contribution(shared_data / "curated").rows
    assert len(rows["countries"]) == len(raw["countries.csv"]) == 33
    review = curated.load_review()
    assert len(rows["projects"]) == len(raw["projects.csv"]) - len(review["projects"]["exclude"])
    mous = [e for e in rows["events"] if e["kind"] in ("bri_mou_signed", "bri_cooperation_plan_signed")]
    headline_mous = {(e["country"], e["kind"]) for e in mous}
    assert len(headline_mous) == len(raw["bri_mou.csv"])
    urls = {s["url"] for s in rows["sources"] if s["url"]}
    for name in ("bri_mou.csv", "agreements.csv", "headline_stats.csv"):
        assert {r["source_url"] for r in raw[name]} <= urls, name
    kept = [r for r in raw["projects.csv"] if not r["name"].startswith("Oyón")]
    assert {r["source_url"] for r in kept} <= urls


def test_a_broken_raw_file_is_reported_and_data_is_untouched(shared_data, tmp_path):
    import shutil

    broken = tmp_path / "raw"
    shutil.copytree(shared_data / "curated", broken / "curated")
    path = broken / "curated" / "bri_mou.csv"
    path.write_text(path.read_text("utf-8").replace("2022-02-06", "2022-02-31"), "utf-8")
    out = tmp_path / "data"
    out.mkdir()
    (out / "keep.txt").write_text("untouched")
    with pytest.raises(Exception, match="2022-02-31"):
        snapshot(broken, out)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
