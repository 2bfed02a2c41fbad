"""The response cache (lazos.web.response_cache): a kept answer is the computed one byte for byte,
keyed by everything it depends on (database version, host, path, query, format, gzip); a new
database version never gets an older answer; errors and SQL answers are not kept; the cache
stays within its bytes; HEAD and conditional requests answer as without it. Also: the fast JSON
encoder writes the values lazos.jsonable.dumps writes, and --cors lets other origins read."""

from __future__ import annotations

import gzip
import json
import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

import lazos
from lazos.api import Lazos
from lazos.jsonable import dumps
from lazos.web import create_app
from lazos.web.encoding import encode
from lazos.web.response_cache import Answer, ResponseCache

PATHS = [
    "/api/v1/countries/ARG",
    "/api/v1/countries/ARG?as_of=2022-03-01",
    "/api/v1/projects?country=BRA&limit=50",
    "/api/v1/projects?limit=20&country=BRA",  # same filters, other order: next_url repeats it
    "/api/v1/projects.csv?country=ECU",
    "/api/v1/projects.parquet?country=ECU&limit=10",
    "/api/v1/index?year=2022",
    "/api/v1/index?year=2021&explain=true",
    "/api/v1/claims",
    "/api/v1/overview",
    "/api/v1/method",
]
HEADER_SETS = [
    {"Accept-Encoding": "identity"},
    {"Accept-Encoding": "gzip"},
    {"Accept-Encoding": "identity", "Accept": "text/csv"},
    {"Accept-Encoding": "gzip", "Accept": "text/csv"},
]


@pytest.fixture(scope="module")
def apps(built_db: Path):
    cached, uncached = create_app(built_db), create_app(built_db, response_cache_bytes=0)
    with TestClient(cached) as c, TestClient(uncached) as u:
        yield c, u, cached.state.response_cache
    cached.state.db.close()
    uncached.state.db.close()


def raw_get(client: TestClient, path: str, headers: dict[str, str]):
    """A GET whose body is kept as sent (gzipped or not)."""
    with client.stream("GET", path, headers=headers) as response:
        body = b"".join(response.iter_raw())
    return response.status_code, body, {k: v for k, v in response.headers.items() if k != "date"}


@pytest.mark.parametrize("headers", HEADER_SETS, ids=["plain", "gzip", "accept-csv", "gzip-csv"])
def test_a_kept_answer_is_the_computed_one_byte_for_byte(apps, headers):
    cached, uncached, cache = apps
    for path in PATHS:
        computed = raw_get(uncached, path, headers)
        first = raw_get(cached, path, headers)
        hits = cache.hits
        again = raw_get(cached, path, headers)
        assert cache.hits == hits + 1, path  # the second one came from the cache
        assert computed[0] == 200, (path, computed)
        assert first == computed and again == computed, path


def test_the_kept_answer_is_keyed_by_format_encoding_host_and_query(apps):
    cached, _, _ = apps
    path = "/api/v1/projects?country=BRA&limit=5"
    as_json = cached.get(path)
    as_csv = cached.get(path, headers={"Accept": "text/csv"})
    assert as_json.headers["content-type"] == "application/json" and as_csv.headers["content-type"].startswith(
        "text/csv"
    )
    assert cached.get(path, headers={"Accept-Encoding": "gzip"}).headers["content-encoding"] == "gzip"
    assert "content-encoding" not in cached.get(path, headers={"Accept-Encoding": "identity"}).headers
    elsewhere = cached.get(path, headers={"Host": "api.example.org"})
    assert elsewhere.json()["next_url"].startswith("http://api.example.org/api/v1/projects?")
    assert cached.get(path).json()["next_url"].startswith("http://testserver/api/v1/projects?")
    reordered = cached.get("/api/v1/projects?limit=5&country=BRA").json()["next_url"]
    assert reordered.startswith("http://testserver/api/v1/projects?limit=5&country=BRA&cursor=")


def test_a_new_database_version_never_gets_an_older_answer(db_copy: Path, tmp_path: Path):
    app = create_app(db_copy)
    client = TestClient(app)
    before = client.get("/api/v1/documents")
    assert before.status_code == 200 and before.json()["total"] == 0
    old_etag = before.headers["etag"]
    assert client.get("/api/v1/documents").content == before.content  # kept
    app.state.db.close()
    text = tmp_path / "note.txt"
    text.write_text("Argentina's economy grew 5% in 2023.\n", "utf-8")
    lazos.ingest([str(text)], db=db_copy)  # a write: the database's version changes
    app.state.db = Lazos(db_copy)
    after = client.get("/api/v1/documents")
    assert after.json()["total"] == 1 and [r["name"] for r in after.json()["rows"]] == ["note.txt"]
    assert after.headers["etag"] != old_etag
    assert client.get("/api/v1/documents", headers={"If-None-Match": old_etag}).status_code == 200
    app.state.db.close()


def test_errors_and_sql_answers_are_not_kept(built_db: Path):
    app = create_app(built_db, enable_sql=True)
    cache = app.state.response_cache
    with TestClient(app) as client:
        for path, status in [
            ("/api/v1/countries/Atlantis", 404),
            ("/api/v1/projects?sector=energi", 422),
            ("/api/v1/projects?limit=501", 422),
            ("/api/v1/nothing", 404),
            ("/api/v1/sql?sql=SELECT%2042%20AS%20n", 200),
        ]:
            first = client.get(path)
            assert first.status_code == status
            assert client.get(path).content == first.content
        head = client.head("/api/v1/sql?sql=SELECT%2042%20AS%20n")
        assert head.status_code == 200 and head.content == b"" and int(head.headers["content-length"]) > 0
        assert len(cache) == 0 and cache.size == 0
        assert client.post("/api/v1/countries").status_code == 405 and len(cache) == 0
        assert client.get("/api/v1/countries").status_code == 200 and len(cache) == 1
    app.state.db.close()


def test_the_cache_stays_within_its_bytes_and_drops_the_least_recently_used(built_db: Path):
    app = create_app(built_db, response_cache_bytes=200_000)  # a few pages; one answer at most 25,000 bytes
    cache = app.state.response_cache
    with TestClient(app, headers={"Accept-Encoding": "identity"}) as client:  # answers kept as large as read
        paths = [f"/api/v1/projects?limit=20&as_of={year}" for year in range(2000, 2026)]
        answers = {path: client.get(path).content for path in paths}
        assert sum(map(len, answers.values())) > 2 * cache.max_bytes
        assert 0 < cache.size <= cache.max_bytes and 1 < len(cache) < len(paths)
        assert client.get(paths[0]).content == answers[paths[0]]  # dropped long ago: computed again, same
        big = client.get("/api/v1/projects.csv")  # every project: larger than one entry may be
        assert big.status_code == 200 and len(big.content) > cache.max_entry_bytes
        assert cache.size <= cache.max_bytes
        assert all(len(a.body) <= cache.max_entry_bytes for a in cache._answers.values())
        assert client.get("/api/v1/projects.csv").content == big.content
    app.state.db.close()


def test_the_lru_keeps_recent_answers_within_its_bytes():
    cache = ResponseCache(max_bytes=3_000, max_entry_bytes=1_500)
    answer = Answer(200, ((b"content-type", b"application/json"),), b"x" * 700)
    for key in "abc":
        cache.put((key,), answer)
    assert len(cache) == 3 and cache.size <= 3_000
    assert cache.get(("a",)) is answer  # a is now the most recent
    cache.put(("d",), answer)  # drops b, the least recent
    assert cache.get(("b",)) is None and cache.get(("a",)) is answer and cache.size <= 3_000
    assert not cache.put(("e",), Answer(200, (), b"x" * 2_000)) and cache.get(("e",)) is None
    assert cache.hits == 2 and cache.misses == 2


def test_head_and_conditional_requests_answer_as_without_the_cache(apps):
    cached, uncached, _ = apps
    path = "/api/v1/countries/BRA?as_of=2021"
    head_before = cached.head(path)  # nothing kept yet: computed as a GET, and kept
    get = cached.get(path)
    head_after = cached.head(path)  # from the kept GET
    for head in (head_before, head_after, uncached.head(path)):
        assert head.status_code == 200 and head.content == b""
        assert {k: v for k, v in head.headers.items() if k != "date"} == {
            k: v for k, v in get.headers.items() if k != "date"
        }
    assert head_after.headers["content-length"] == str(len(raw_get(cached, path, {})[1]))
    etag = get.headers["etag"]
    assert etag == uncached.get(path).headers["etag"]
    assert get.headers["cache-control"] == "public, max-age=60" and "Accept" in get.headers["vary"]
    not_modified = cached.get(path, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b"" and not_modified.headers["etag"] == etag
    assert cached.head(path, headers={"If-None-Match": etag}).status_code == 304
    assert cached.get(path, headers={"If-None-Match": 'W/"other"'}).content == get.content
    missing = cached.head("/api/v1/countries/Atlantis")
    assert missing.status_code == 404 and missing.content == b"" and missing.headers["content-length"] != "0"


def test_cors_lets_pages_of_any_origin_read(built_db: Path):
    app = create_app(built_db, cors=True)
    with TestClient(app) as client:
        assert "access-control-allow-origin" not in client.get("/api/v1/projects?limit=2").headers  # no Origin
        for _ in range(2):  # computed, then kept
            answer = client.get("/api/v1/projects?limit=2", headers={"Origin": "https://example.org"})
            assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == "*"
            exposed = answer.headers["access-control-expose-headers"]
            assert "ETag" in exposed and "Link" in exposed and "X-Lazos-Citation" in exposed
        etag = answer.headers["etag"]
        unchanged = client.get("/api/v1/projects?limit=2", headers={"Origin": "https://x.org", "If-None-Match": etag})
        assert unchanged.status_code == 304 and unchanged.headers["access-control-allow-origin"] == "*"
        preflight = client.options(
            "/api/v1/projects",
            headers={
                "Origin": "https://example.org",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "If-None-Match",
            },
        )
        assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "*"
        assert "GET" in preflight.headers["access-control-allow-methods"]
        assert "if-none-match" in preflight.headers["access-control-allow-headers"].lower()
    app.state.db.close()
    plain = create_app(built_db)
    with TestClient(plain) as client:
        answer = client.get("/api/v1/projects?limit=2", headers={"Origin": "https://example.org"})
        assert "access-control-allow-origin" not in answer.headers
    plain.state.db.close()


@pytest.mark.parametrize(
    "body",
    [
        {"a": 1, "b": [1.5, None, True, "x"], "c": {"d": "e"}},
        {"int": np.int64(3), "float": np.float64(0.1), "bool": np.bool_(True), "array": np.array([1, 2])},
        {"day": date(2022, 3, 1), "when": datetime(2022, 3, 1, 12, 30), "ts": pd.Timestamp("2021-01-01")},
        {"decimal": Decimal("2.50"), "whole": Decimal("3"), "set": {1}, "tuple": (1, 2)},
        {"nan": math.nan, "inf": math.inf, "ninf": -math.inf, "na": pd.NA, "nat": pd.NaT},
        {"numpy nan": np.float64("nan"), "nested": [{"x": np.nan}]},
        {True: 1, None: 2, 3: "three", 1.5: "x"},
        {"unsafe": "line\u2028separator \x85 and \u202e bidi", "ñandú": "宁波"},
        [{"object": object.__new__(type("Thing", (), {"__str__": lambda self: "thing"}))}],
    ],
    ids=["plain", "numpy", "dates", "decimal-set-tuple", "nan-inf-na", "numpy-nan", "odd-keys", "unsafe", "object"],
)
def test_the_fast_encoder_writes_the_values_dumps_writes(body):
    fast = encode(body)
    assert json.loads(fast) == json.loads(dumps(body, indent=None))
    assert b'": ' not in fast and b'", "' not in fast  # compact: no spaces after separators
    assert "\u2028" not in fast.decode("utf-8") and "\u202e" not in fast.decode("utf-8")


def test_gzipped_kept_answers_decode_to_the_plain_ones(apps):
    cached, _, _ = apps
    for path in ("/api/v1/countries/ARG", "/api/v1/projects.csv?country=BRA"):
        plain = raw_get(cached, path, {"Accept-Encoding": "identity"})[1]
        for _ in range(2):
            zipped = raw_get(cached, path, {"Accept-Encoding": "gzip"})
            assert zipped[2]["content-encoding"] == "gzip" and gzip.decompress(zipped[1]) == plain
