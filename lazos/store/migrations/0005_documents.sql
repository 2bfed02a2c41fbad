-- Lazos schema, version 5: documents and the claims read from them.
--
-- `lazos ingest` stores a document (its source row carries the checksum of the bytes read),
-- the text as read, to which every offset points, the text with noise lines removed,
-- its paragraphs with their language and translation pairs, and every quantitative claim
-- found in it with its exact span. Like every fact, rows are owned by their source and keep
-- history: re-reading a document with a newer extractor retires the old claims.

CREATE TABLE document (
    doc_id             VARCHAR NOT NULL,
    name               VARCHAR NOT NULL,
    media_type         VARCHAR NOT NULL CHECK (media_type IN ('text/plain', 'text/html', 'application/pdf')),
    encoding           VARCHAR,
    lang               VARCHAR CHECK (lang IN ('en', 'es', 'pt', 'zh')),
    languages          VARCHAR,
    title              VARCHAR,
    text               VARCHAR NOT NULL,
    cleaned            VARCHAR NOT NULL,
    extractor_version  VARCHAR NOT NULL,
    source_id          VARCHAR NOT NULL,
    retired_at         TIMESTAMP,
    load_id            INTEGER NOT NULL
);

CREATE TABLE document_paragraph (
    doc_id          VARCHAR NOT NULL,
    n               INTEGER NOT NULL,
    start_offset    INTEGER NOT NULL,
    end_offset      INTEGER NOT NULL,
    lang            VARCHAR NOT NULL CHECK (lang IN ('en', 'es', 'pt', 'zh')),
    noise           BOOLEAN NOT NULL,
    translation_of  INTEGER,
    source_id       VARCHAR NOT NULL,
    retired_at      TIMESTAMP,
    load_id         INTEGER NOT NULL
);

CREATE TABLE claim (
    doc_id          VARCHAR NOT NULL,
    n               INTEGER NOT NULL,
    start_offset    INTEGER NOT NULL,
    end_offset      INTEGER NOT NULL,
    text            VARCHAR NOT NULL,
    value           DOUBLE NOT NULL,
    unit            VARCHAR NOT NULL,
    what            VARCHAR,
    period          VARCHAR,
    countries       VARCHAR,
    lang            VARCHAR NOT NULL CHECK (lang IN ('en', 'es', 'pt', 'zh')),
    qualifier       VARCHAR NOT NULL CHECK (qualifier IN ('exact', 'approximate', 'lower_bound', 'upper_bound')),
    kind            VARCHAR NOT NULL,
    paragraph       INTEGER NOT NULL,
    context_start   INTEGER NOT NULL,
    context_end     INTEGER NOT NULL,
    partial_period  BOOLEAN NOT NULL,
    translation_of  INTEGER,
    source_id       VARCHAR NOT NULL,
    retired_at      TIMESTAMP,
    load_id         INTEGER NOT NULL
);
