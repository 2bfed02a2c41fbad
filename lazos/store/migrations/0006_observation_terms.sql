-- Lazos schema, version 6: observations store their entity, partner, indicator and period
-- as integer keys into one dictionary of terms.
--
-- A dataset import writes millions of observations that repeat a few thousand codes and
-- years; DuckDB writes four integer columns in about half the time of four text columns
-- (measured on the 200 MB WDI benchmark, docs/performance.md). observation_term maps each
-- distinct text to its key, once and for ever (terms are only added); the view observation
-- presents the rows with their texts as before, so every query reads what it read.

CREATE TABLE observation_term (
    term_key  INTEGER PRIMARY KEY,
    term      VARCHAR NOT NULL UNIQUE
);
INSERT INTO observation_term
SELECT CAST(row_number() OVER (ORDER BY term) AS INTEGER), term
FROM (SELECT entity AS term FROM observation_value
      UNION SELECT partner FROM observation_value
      UNION SELECT indicator FROM observation_value
      UNION SELECT period FROM observation_value)
WHERE term IS NOT NULL;

CREATE TABLE observation_keyed (
    entity_key     INTEGER NOT NULL,
    partner_key    INTEGER,
    indicator_key  INTEGER NOT NULL,
    period_key     INTEGER NOT NULL,
    value          DOUBLE NOT NULL,
    source_key     INTEGER NOT NULL,
    retired_at     TIMESTAMP,
    load_id        INTEGER NOT NULL
);
INSERT INTO observation_keyed
SELECT e.term_key, p.term_key, i.term_key, d.term_key, v.value, v.source_key, v.retired_at, v.load_id
FROM observation_value v
JOIN observation_term e ON e.term = v.entity
LEFT JOIN observation_term p ON p.term = v.partner
JOIN observation_term i ON i.term = v.indicator
JOIN observation_term d ON d.term = v.period;

DROP VIEW observation;
DROP TABLE observation_value;
ALTER TABLE observation_keyed RENAME TO observation_value;

CREATE VIEW observation AS
SELECT e.term AS entity, p.term AS partner, i.term AS indicator, d.term AS period, v.value,
       k.source_id, v.source_key, v.retired_at, v.load_id
FROM observation_value v
JOIN observation_term e ON e.term_key = v.entity_key
LEFT JOIN observation_term p ON p.term_key = v.partner_key
JOIN observation_term i ON i.term_key = v.indicator_key
JOIN observation_term d ON d.term_key = v.period_key
JOIN (SELECT DISTINCT source_id, source_key FROM source) k ON k.source_key = v.source_key;
