-- Lazos schema, version 4: saved analyses.
--
-- `lazos analyses save` records the results of the Five Connectivities index, the risk
-- rating, the alerts and the opportunity view, with the version and checksum of the method
-- (lazos/analytics/method.yaml, alerts.yaml) they were computed with and the load they were
-- computed on. Runs are append-only: a new run is recorded only when its results differ from
-- the previous run of the same analysis, so the history of what Lazos published is kept.

CREATE TABLE analysis_run (
    run_id          INTEGER PRIMARY KEY,
    analysis        VARCHAR NOT NULL CHECK (analysis IN ('index', 'risk', 'alerts', 'opportunities')),
    method_version  VARCHAR NOT NULL,
    method_sha256   VARCHAR NOT NULL,
    load_id         INTEGER NOT NULL,   -- the latest load of the data the run was computed on
    computed_at     TIMESTAMP NOT NULL,
    first_year      INTEGER,
    last_year       INTEGER,
    results_sha256  VARCHAR NOT NULL,
    rows            INTEGER NOT NULL
);

-- Scores: one row per country, year and component (a dimension, or 'composite' / 'score',
-- or 'need' for the opportunity view).
CREATE TABLE analysis_score (
    run_id      INTEGER NOT NULL,
    country     VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    component   VARCHAR NOT NULL,
    score       DOUBLE,
    coverage    DOUBLE,
    grade       VARCHAR,
    rank        INTEGER,
    note        VARCHAR
);

-- The indicators behind the scores, with the sources of their inputs.
CREATE TABLE analysis_measure (
    run_id      INTEGER NOT NULL,
    country     VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    component   VARCHAR NOT NULL,
    indicator   VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,
    raw         DOUBLE,
    unit        VARCHAR,
    value_year  INTEGER,
    score       DOUBLE,
    weight      DOUBLE,
    sources     VARCHAR,
    note        VARCHAR
);

CREATE TABLE analysis_alert (
    run_id      INTEGER NOT NULL,
    alert_id    VARCHAR NOT NULL,
    date        DATE NOT NULL,
    country     VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL,
    rule        VARCHAR NOT NULL,
    period      VARCHAR NOT NULL,
    value       DOUBLE,
    threshold   DOUBLE,
    message     VARCHAR NOT NULL,
    sources     VARCHAR
);
