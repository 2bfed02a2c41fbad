-- Lazos schema, version 8: events read from the news (GDELT 2.0), and the monitor's ledger.
--
-- `lazos monitor` reads GDELT's 15-minute files and keeps the events that involve China and
-- a Latin American or Caribbean state, each citing the GDELT file it came from (its source)
-- and the article GDELT read it in (source_url). Like every fact they keep history.
-- monitor_file records every file the monitor has loaded, with its checksum, in the same
-- transaction as its rows: a file is loaded once, and a file whose load did not commit is
-- read again from the start.

CREATE TABLE news_event (
    event_id            VARCHAR NOT NULL,
    day                 VARCHAR NOT NULL,
    date_added          TIMESTAMP NOT NULL,
    country             VARCHAR NOT NULL,
    match               VARCHAR NOT NULL CHECK (match IN ('actor', 'geo', 'entity')),
    actor1_code         VARCHAR,
    actor1_name         VARCHAR,
    actor1_country      VARCHAR,
    actor2_code         VARCHAR,
    actor2_name         VARCHAR,
    actor2_country      VARCHAR,
    is_root_event       BOOLEAN,
    event_code          VARCHAR NOT NULL,
    event_root_code     VARCHAR NOT NULL,
    quad_class          INTEGER,
    goldstein           DOUBLE,
    num_mentions        INTEGER,
    num_sources         INTEGER,
    num_articles        INTEGER,
    avg_tone            DOUBLE,
    action_geo_country  VARCHAR,
    action_geo_name     VARCHAR,
    action_geo_lat      DOUBLE CHECK (action_geo_lat BETWEEN -90 AND 90),
    action_geo_lon      DOUBLE CHECK (action_geo_lon BETWEEN -180 AND 180),
    source_url          VARCHAR,
    source_id           VARCHAR NOT NULL,
    retired_at          TIMESTAMP,
    load_id             INTEGER NOT NULL
);

CREATE TABLE monitor_file (
    name          VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('events', 'mentions', 'gkg')),
    sha256        VARCHAR NOT NULL,
    rows_read     BIGINT NOT NULL,
    bad_rows      BIGINT NOT NULL,
    duplicates    BIGINT NOT NULL,
    selected      BIGINT NOT NULL,
    load_id       INTEGER NOT NULL,
    loaded_at     TIMESTAMP NOT NULL
);
