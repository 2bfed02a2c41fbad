"""Schema-driven fuzzing of the whole REST API: schemathesis generates requests for every
operation of the OpenAPI description and sends them to the app in process (ASGI); no answer
may be a 5xx, and every answer must be documented and valid against the schema.

Positive-data acceptance is not checked: a value of the right type may still name nothing
(country=abc), which the API answers with a 422 naming the parameter, as documented.
(schemathesis's pytest integration, ``from_fixture``, does not run under pytest 9, so each
operation runs its own Hypothesis test inside one test per generation mode.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from lazos.web import create_app

EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}


@pytest.fixture(scope="module")
def api_schema(built_db: Path):
    app = create_app(built_db, enable_sql=True, sql_time_limit=2.0)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    app.state.db.close()


def fuzz(operation, mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case) -> None:
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"])
def test_every_operation_answers_without_server_errors_and_as_documented(api_schema, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 42  # every resource, and the lists' .csv/.json/.parquet forms
    failures = {}
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not (len(operation.query) or len(operation.path_parameters)):
            continue  # nothing to send that the schema forbids
        try:
            fuzz(operation, mode)
        except BaseException as exc:  # schemathesis's FailureGroup is a BaseExceptionGroup
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures[operation.label] = exc
    assert not failures, "\n\n".join(f"{label}:\n{str(exc)[:3000]}" for label, exc in failures.items())
