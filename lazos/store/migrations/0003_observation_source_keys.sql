-- Lazos schema, version 3: observations refer to their source by an integer key.
--
-- A dataset import writes millions of observations, all citing one source; an integer
-- costs a fraction of a repeated text id on each row. The table becomes observation_value
-- (what imports write); the view observation presents it with source_id as before (what
-- every query reads). source.source_key is stable for a source id across its versions.

ALTER TABLE source ADD COLUMN source_key INTEGER;
UPDATE source SET source_key = k.key
FROM (SELECT source_id, CAST(row_number() OVER (ORDER BY source_id) AS INTEGER) AS key
      FROM (SELECT DISTINCT source_id FROM source)) k
WHERE k.source_id = source.source_id;

CREATE TABLE observation_value (
    entity      VARCHAR NOT NULL,
    partner     VARCHAR,
    indicator   VARCHAR NOT NULL,
    period      VARCHAR NOT NULL,
    value       DOUBLE NOT NULL,
    source_key  INTEGER NOT NULL,
    retired_at  TIMESTAMP,
    load_id     INTEGER NOT NULL
);
INSERT INTO observation_value
SELECT o.entity, o.partner, o.indicator, o.period, o.value, k.source_key, o.retired_at, o.load_id
FROM observation o
JOIN (SELECT DISTINCT source_id, source_key FROM source) k ON k.source_id = o.source_id;
DROP TABLE observation;

CREATE VIEW observation AS
SELECT v.entity, v.partner, v.indicator, v.period, v.value, k.source_id, v.source_key,
       v.retired_at, v.load_id
FROM observation_value v
JOIN (SELECT DISTINCT source_id, source_key FROM source) k ON k.source_key = v.source_key;
