"""The method and the alert rules are data: checked on load, with errors that name the key."""

from __future__ import annotations

from importlib import resources as importlib_resources

import pytest
import yaml

from lazos.analytics.method import (
    MethodError,
    default_alerts,
    default_method,
    load_method,
    read_weights,
    with_weights,
)


def packaged_method() -> dict:
    return yaml.safe_load(importlib_resources.files("lazos.analytics").joinpath("method.yaml").read_text("utf-8"))


def write(tmp_path, data, name="method.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def test_the_packaged_method_and_rules_load_with_a_version_and_checksum():
    method, rules = default_method(), default_alerts()
    assert method.version and len(method.sha256) == 64
    assert rules.version and len(rules.sha256) == 64
    assert list(method.connectivity.dimensions) == ["policy", "facilities", "trade", "finance", "people"]
    assert list(method.risk.dimensions) == [
        "economic_base",
        "debt_solvency",
        "social_resilience",
        "political_risk",
        "relations_with_china",
    ]


def test_every_measured_indicator_is_scored_within_zero_and_one():
    method = default_method()
    groups = [*method.connectivity.dimensions.values(), *method.risk.dimensions.values()]
    for dim in groups:
        for name, ind in dim.measured().items():
            low, high = ind.bounds()
            for raw in (low - 1e6, low, (low + high) / 2, high, high + 1e6):
                assert 0 <= ind.score(raw) <= 1, name
            better, worse = (high, low) if ind.direction == "higher" else (low, high)
            assert ind.score(better) == 1 and ind.score(worse) == 0, name


def test_an_indicator_without_goalposts_is_refused_naming_it(tmp_path):
    data = packaged_method()
    del data["connectivity"]["dimensions"]["trade"]["indicators"]["trade_to_gdp"]["goalposts"]
    with pytest.raises(MethodError, match=r"connectivity\.dimensions\.trade\.indicators\.trade_to_gdp.*goalposts"):
        load_method(write(tmp_path, data))


def test_an_unknown_measure_or_key_is_refused(tmp_path):
    data = packaged_method()
    data["risk"]["dimensions"]["economic_base"]["indicators"]["gdp"]["measure"] = "guess"
    with pytest.raises(MethodError, match=r"economic_base\.indicators\.gdp\.measure"):
        load_method(write(tmp_path, data))
    data = packaged_method()
    data["risk"]["dimensions"]["economic_base"]["indicators"]["gdp"]["wieght"] = 2
    with pytest.raises(MethodError, match="wieght"):
        load_method(write(tmp_path, data))


def test_grades_must_run_from_best_to_worst(tmp_path):
    data = packaged_method()
    data["risk"]["grades"].reverse()
    with pytest.raises(MethodError, match="grades must go from the best to the worst"):
        load_method(write(tmp_path, data))


def test_weights_files_are_checked(tmp_path):
    method = default_method()
    unknown = write(tmp_path, {"dimensions": {"culture": 2}}, "w.yaml")
    with pytest.raises(MethodError, match="unknown dimension 'culture'"):
        with_weights(method, read_weights(unknown))
    negative = write(tmp_path, {"policy": -1}, "n.yaml")
    with pytest.raises(MethodError, match=r"weights file .*policy"):
        read_weights(negative)
    unmeasured = write(tmp_path, {"indicators": {"people": {"tourism": 1}}}, "u.yaml")
    with pytest.raises(MethodError, match=r"people\.tourism is not measured"):
        with_weights(method, read_weights(unmeasured))
    nothing = write(tmp_path, {"policy": 0, "facilities": 0, "trade": 0, "finance": 0, "people": 0}, "z.yaml")
    with pytest.raises(MethodError, match="no weight to any measured dimension"):
        with_weights(method, read_weights(nothing))
    with pytest.raises(MethodError, match="cannot read the weights file"):
        read_weights(tmp_path / "missing.yaml")
    broken = tmp_path / "b.yaml"
    broken.write_text("policy: [1,\n", "utf-8")
    with pytest.raises(MethodError, match="not valid YAML"):
        read_weights(broken)


def test_user_weights_mark_the_method_version():
    method = default_method()
    custom = with_weights(method, read_weights_from({"dimensions": {"trade": 2}}))
    assert custom.version.startswith(method.version + "+weights.")
    assert custom.connectivity.dimensions["trade"].weight == 2
    assert method.connectivity.dimensions["trade"].weight == 1  # the packaged method is unchanged


def read_weights_from(data):
    from lazos.analytics.method import WeightsFile

    return WeightsFile.model_validate(data)
