-- Lazos schema, version 7: an observation may be a publisher's estimate or projection.
--
-- The IMF World Economic Outlook gives, for each series, the last year of actual data
-- ("Estimates Start After"); the values after it are IMF staff estimates and projections.
-- They are stored with the qualifier 'estimate' (and a note saying which). DuckDB cannot
-- alter a CHECK constraint, so observation_detail is recreated with the wider one, every
-- row and column (history included: retired_at, load_id) copied as it was.

CREATE TABLE observation_detail_v7 (
    entity      VARCHAR NOT NULL,
    partner     VARCHAR,
    indicator   VARCHAR NOT NULL,
    period      VARCHAR NOT NULL,
    source_id   VARCHAR NOT NULL,
    qualifier   VARCHAR NOT NULL
        CHECK (qualifier IN ('exact', 'approximate', 'lower_bound', 'upper_bound', 'estimate')),
    confidence  VARCHAR NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
    published   VARCHAR,
    note        VARCHAR,
    retired_at  TIMESTAMP,
    load_id     INTEGER NOT NULL
);
INSERT INTO observation_detail_v7
SELECT entity, partner, indicator, period, source_id, qualifier, confidence, published, note,
       retired_at, load_id
FROM observation_detail;
DROP TABLE observation_detail;
ALTER TABLE observation_detail_v7 RENAME TO observation_detail;
