-- Lazos schema, version 1.
--
-- Every fact table is system-versioned: a change never updates a row in place, it retires
-- the old version (retired_at) and inserts a new one (recorded_at), both stamped with the
-- load that made them. Current rows have retired_at IS NULL. Fuzzy dates are kept as the
-- source wrote them, with the first and last day they may denote (<field>_start, _end).
-- Column meanings are documented in lazos/store/resources.yaml.

CREATE TABLE schema_migration (
    version     INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL,
    applied_at  TIMESTAMP NOT NULL
);

CREATE TABLE load_run (
    load_id     INTEGER PRIMARY KEY,
    kind        VARCHAR NOT NULL CHECK (kind IN ('build', 'import', 'fetch')),
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    detail      VARCHAR,
    input_hash  VARCHAR
);

CREATE TABLE source (
    source_id       VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL
        CHECK (kind IN ('dataset', 'web_page', 'document', 'statement', 'reference')),
    title           VARCHAR,
    publisher       VARCHAR,
    url             VARCHAR,
    licence         VARCHAR,
    published       VARCHAR,
    published_start DATE,
    published_end   DATE,
    retrieved       VARCHAR,
    retrieved_start DATE,
    retrieved_end   DATE,
    content_hash    VARCHAR,
    dataset         VARCHAR,
    cited_in        VARCHAR,
    note            VARCHAR,
    recorded_at     TIMESTAMP NOT NULL,
    retired_at      TIMESTAMP,
    load_id         INTEGER NOT NULL
);

CREATE TABLE country (
    iso3        VARCHAR NOT NULL,
    iso2        VARCHAR,
    kind        VARCHAR NOT NULL CHECK (kind IN ('state', 'territory', 'aggregate')),
    celac       BOOLEAN NOT NULL,
    sovereign   VARCHAR,
    name_en     VARCHAR NOT NULL,
    name_es     VARCHAR NOT NULL,
    name_pt     VARCHAR NOT NULL,
    name_zh     VARCHAR NOT NULL,
    subregion   VARCHAR,
    source_id   VARCHAR NOT NULL,
    note        VARCHAR,
    recorded_at TIMESTAMP NOT NULL,
    retired_at  TIMESTAMP,
    load_id     INTEGER NOT NULL
);

CREATE TABLE country_alias (
    alias       VARCHAR NOT NULL,
    iso3        VARCHAR NOT NULL,
    lang        VARCHAR NOT NULL,
    source_id   VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    retired_at  TIMESTAMP,
    load_id     INTEGER NOT NULL
);

CREATE TABLE event_kind (
    kind        VARCHAR NOT NULL,
    label       VARCHAR NOT NULL,
    category    VARCHAR NOT NULL,
    pillar      VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    source_id   VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    retired_at  TIMESTAMP,
    load_id     INTEGER NOT NULL
);

CREATE TABLE event (
    event_id    VARCHAR NOT NULL,
    event_key   VARCHAR NOT NULL,
    country     VARCHAR,
    kind        VARCHAR NOT NULL,
    date        VARCHAR,
    date_start  DATE,
    date_end    DATE,
    detail      VARCHAR,
    confidence  VARCHAR NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
    source_id   VARCHAR NOT NULL,
    note        VARCHAR,
    recorded_at TIMESTAMP NOT NULL,
    retired_at  TIMESTAMP,
    load_id     INTEGER NOT NULL
);

CREATE TABLE project (
    project_id       VARCHAR NOT NULL,
    name             VARCHAR NOT NULL,
    sector           VARCHAR NOT NULL,
    subsector        VARCHAR,
    chinese_entities VARCHAR,
    local_entities   VARCHAR,
    status           VARCHAR,
    lat              DOUBLE CHECK (lat BETWEEN -90 AND 90),
    lon              DOUBLE CHECK (lon BETWEEN -180 AND 180),
    location_note    VARCHAR,
    confidence       VARCHAR NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
    source_id        VARCHAR NOT NULL,
    note             VARCHAR,
    recorded_at      TIMESTAMP NOT NULL,
    retired_at       TIMESTAMP,
    load_id          INTEGER NOT NULL
);

CREATE TABLE project_country (
    project_id  VARCHAR NOT NULL,
    country     VARCHAR NOT NULL,
    role        VARCHAR NOT NULL CHECK (role IN ('host', 'recipient')),
    source_id   VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    retired_at  TIMESTAMP,
    load_id     INTEGER NOT NULL
);

CREATE TABLE project_milestone (
    project_id  VARCHAR NOT NULL,
    milestone   VARCHAR NOT NULL,
    date        VARCHAR NOT NULL,
    date_start  DATE NOT NULL,
    date_end    DATE NOT NULL,
    confidence  VARCHAR NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
    source_id   VARCHAR NOT NULL,
    note        VARCHAR,
    recorded_at TIMESTAMP NOT NULL,
    retired_at  TIMESTAMP,
    load_id     INTEGER NOT NULL
);

CREATE TABLE project_amount (
    project_id        VARCHAR NOT NULL,
    amount_kind       VARCHAR NOT NULL,
    value             DOUBLE NOT NULL,
    currency          VARCHAR NOT NULL,
    usd_nominal       DOUBLE,
    usd_constant      DOUBLE,
    usd_constant_year INTEGER,
    qualifier         VARCHAR NOT NULL
        CHECK (qualifier IN ('exact', 'approximate', 'lower_bound', 'upper_bound')),
    confidence        VARCHAR NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
    source_id         VARCHAR NOT NULL,
    note              VARCHAR,
    recorded_at       TIMESTAMP NOT NULL,
    retired_at        TIMESTAMP,
    load_id           INTEGER NOT NULL
);

CREATE TABLE project_external_id (
    project_id  VARCHAR NOT NULL,
    scheme      VARCHAR NOT NULL,
    external_id VARCHAR NOT NULL,
    source_id   VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    retired_at  TIMESTAMP,
    load_id     INTEGER NOT NULL
);

CREATE TABLE indicator (
    indicator   VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    unit        VARCHAR NOT NULL,
    topic       VARCHAR,
    description VARCHAR,
    source_id   VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    retired_at  TIMESTAMP,
    load_id     INTEGER NOT NULL
);

CREATE TABLE observation (
    entity          VARCHAR NOT NULL,
    partner         VARCHAR,
    indicator       VARCHAR NOT NULL,
    period          VARCHAR NOT NULL,
    period_start    DATE NOT NULL,
    period_end      DATE NOT NULL,
    value           DOUBLE NOT NULL,
    unit            VARCHAR NOT NULL,
    qualifier       VARCHAR NOT NULL
        CHECK (qualifier IN ('exact', 'approximate', 'lower_bound', 'upper_bound')),
    confidence      VARCHAR NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
    published       VARCHAR,
    published_start DATE,
    published_end   DATE,
    source_id       VARCHAR NOT NULL,
    note            VARCHAR,
    recorded_at     TIMESTAMP NOT NULL,
    retired_at      TIMESTAMP,
    load_id         INTEGER NOT NULL
);

-- How precise a fuzzy date is: day, month, year, range or unknown.
CREATE MACRO date_precision(d) AS CASE
    WHEN d IS NULL OR d = '' THEN 'unknown'
    WHEN contains(d, '/') THEN 'range'
    WHEN length(d) = 10 THEN 'day'
    WHEN length(d) = 7 THEN 'month'
    ELSE 'year' END;
