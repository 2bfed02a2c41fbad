-- Lazos schema, version 2: room for the dataset connectors, and a leaner fact storage.
--
-- Storage. Dataset imports write millions of observations; every stored column costs time
-- on each of them, so what can be derived is no longer stored:
-- * the first and last day of a fuzzy date are computed by fuzzy_start() / fuzzy_end();
-- * a row's recorded time is the start of the load that wrote it (load_run.started_at);
-- * an observation's unit is its indicator's unit;
-- * an observation's qualifier, confidence, publication date and note move to
--   observation_detail, which holds only the rows that differ from the defaults (exact,
--   high confidence, published with its source, no note): most dataset values have none.
--
-- New content:
-- * project: AidData's flow type and class, intent, description, and whether the source
--   recommends counting the project in totals ("Recommended For Aggregates");
-- * project_amount: a source may give US dollars only (AidData's geocoded table gives
--   constant 2021 dollars alone), so the original value and currency become optional;
-- * project_location, project_geometry: where projects are (administrative units with
--   shares, mapped features with centroids, GeoJSON shapes under their licence);
-- * code: external code lists (e.g. GDELT's CAMEO event codes).

CREATE MACRO fuzzy_start(d) AS CASE
    WHEN d IS NULL OR d = '' THEN NULL
    WHEN length(split_part(d, '/', 1)) = 4 THEN CAST(split_part(d, '/', 1) || '-01-01' AS DATE)
    WHEN length(split_part(d, '/', 1)) = 7 THEN CAST(split_part(d, '/', 1) || '-01' AS DATE)
    ELSE CAST(split_part(d, '/', 1) AS DATE) END;

CREATE MACRO fuzzy_end(d) AS CASE
    WHEN d IS NULL OR d = '' THEN NULL
    WHEN length(CASE WHEN contains(d, '/') THEN split_part(d, '/', 2) ELSE d END) = 4
        THEN CAST((CASE WHEN contains(d, '/') THEN split_part(d, '/', 2) ELSE d END) || '-12-31' AS DATE)
    WHEN length(CASE WHEN contains(d, '/') THEN split_part(d, '/', 2) ELSE d END) = 7
        THEN last_day(CAST((CASE WHEN contains(d, '/') THEN split_part(d, '/', 2) ELSE d END) || '-01' AS DATE))
    ELSE CAST(CASE WHEN contains(d, '/') THEN split_part(d, '/', 2) ELSE d END AS DATE) END;

-- Observation details out of the observation table.
CREATE TABLE observation_detail (
    entity      VARCHAR NOT NULL,
    partner     VARCHAR,
    indicator   VARCHAR NOT NULL,
    period      VARCHAR NOT NULL,
    source_id   VARCHAR NOT NULL,
    qualifier   VARCHAR NOT NULL
        CHECK (qualifier IN ('exact', 'approximate', 'lower_bound', 'upper_bound')),
    confidence  VARCHAR NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
    published   VARCHAR,
    note        VARCHAR,
    retired_at  TIMESTAMP,
    load_id     INTEGER NOT NULL
);
INSERT INTO observation_detail
SELECT entity, partner, indicator, period, source_id, qualifier, confidence, published, note,
       retired_at, load_id
FROM observation
WHERE qualifier <> 'exact' OR confidence <> 'high' OR published IS NOT NULL OR note IS NOT NULL;

ALTER TABLE observation DROP COLUMN unit;
ALTER TABLE observation DROP COLUMN qualifier;
ALTER TABLE observation DROP COLUMN confidence;
ALTER TABLE observation DROP COLUMN published;
ALTER TABLE observation DROP COLUMN published_start;
ALTER TABLE observation DROP COLUMN published_end;
ALTER TABLE observation DROP COLUMN note;
ALTER TABLE observation DROP COLUMN period_start;
ALTER TABLE observation DROP COLUMN period_end;

-- Derivable dates and recorded times.
ALTER TABLE source DROP COLUMN published_start;
ALTER TABLE source DROP COLUMN published_end;
ALTER TABLE source DROP COLUMN retrieved_start;
ALTER TABLE source DROP COLUMN retrieved_end;
ALTER TABLE event DROP COLUMN date_start;
ALTER TABLE event DROP COLUMN date_end;
ALTER TABLE project_milestone DROP COLUMN date_start;
ALTER TABLE project_milestone DROP COLUMN date_end;
ALTER TABLE source DROP COLUMN recorded_at;
ALTER TABLE country DROP COLUMN recorded_at;
ALTER TABLE country_alias DROP COLUMN recorded_at;
ALTER TABLE event_kind DROP COLUMN recorded_at;
ALTER TABLE event DROP COLUMN recorded_at;
ALTER TABLE project DROP COLUMN recorded_at;
ALTER TABLE project_country DROP COLUMN recorded_at;
ALTER TABLE project_milestone DROP COLUMN recorded_at;
ALTER TABLE project_amount DROP COLUMN recorded_at;
ALTER TABLE project_external_id DROP COLUMN recorded_at;
ALTER TABLE indicator DROP COLUMN recorded_at;
ALTER TABLE observation DROP COLUMN recorded_at;

-- Projects: AidData's fields.
ALTER TABLE project ADD COLUMN flow_type VARCHAR;
ALTER TABLE project ADD COLUMN flow_class VARCHAR;
ALTER TABLE project ADD COLUMN intent VARCHAR;
ALTER TABLE project ADD COLUMN description VARCHAR;
ALTER TABLE project ADD COLUMN in_totals BOOLEAN;
ALTER TABLE project_amount ALTER COLUMN value DROP NOT NULL;
ALTER TABLE project_amount ALTER COLUMN currency DROP NOT NULL;

CREATE TABLE project_location (
    project_id     VARCHAR NOT NULL,
    level          VARCHAR NOT NULL CHECK (level IN ('ADM1', 'ADM2', 'feature')),
    place_id       VARCHAR NOT NULL,
    country        VARCHAR,
    name           VARCHAR,
    lat            DOUBLE CHECK (lat BETWEEN -90 AND 90),
    lon            DOUBLE CHECK (lon BETWEEN -180 AND 180),
    share          DOUBLE CHECK (share BETWEEN 0 AND 1),
    precision      VARCHAR,
    source_id      VARCHAR NOT NULL,
    retired_at     TIMESTAMP,
    load_id        INTEGER NOT NULL
);

CREATE TABLE project_geometry (
    project_id     VARCHAR NOT NULL,
    geometry_type  VARCHAR NOT NULL,
    feature_count  INTEGER NOT NULL,
    min_lon        DOUBLE,
    min_lat        DOUBLE,
    max_lon        DOUBLE,
    max_lat        DOUBLE,
    geojson        VARCHAR NOT NULL,
    osm_links      VARCHAR,
    licence        VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL,
    retired_at     TIMESTAMP,
    load_id        INTEGER NOT NULL
);

CREATE TABLE code (
    scheme         VARCHAR NOT NULL,
    code           VARCHAR NOT NULL,
    label          VARCHAR NOT NULL,
    parent         VARCHAR,
    source_id      VARCHAR NOT NULL,
    retired_at     TIMESTAMP,
    load_id        INTEGER NOT NULL
);
