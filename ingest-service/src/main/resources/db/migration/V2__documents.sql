-- One row per document: its current version and where that version is on its way to search.
CREATE TABLE ingest.documents (
    id              uuid PRIMARY KEY,
    collection      text        NOT NULL,
    external_id     text        NOT NULL,
    version         bigint      NOT NULL CHECK (version > 0),
    status          text        NOT NULL CHECK (status IN ('RECEIVED', 'PARSED', 'CHUNKED', 'EMBEDDED', 'INDEXED',
                                                           'FAILED', 'DELETED')),
    failed_stage    text,
    failure_reason  text,
    title           text,
    file_name       text,
    media_type      text        NOT NULL,
    size_bytes      bigint      NOT NULL,
    content_hash    bytea       NOT NULL,  -- SHA-256 of content, title and metadata: an identical re-send is a no-op
    metadata        jsonb       NOT NULL DEFAULT '{}',
    source          text        NOT NULL CHECK (source IN ('rest', 'kafka')),
    chunk_count     integer,
    chunks_embedded integer     NOT NULL DEFAULT 0,
    attempts        integer     NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    indexed_at      timestamptz,
    UNIQUE (collection, external_id)
);

CREATE INDEX documents_by_collection ON ingest.documents (collection, created_at DESC, id);
CREATE INDEX documents_by_status ON ingest.documents (collection, status, created_at DESC, id);

-- The current version's original bytes (so a failed document can be retried) and, once parsed, its text
-- (the text every chunk's offsets point into).
CREATE TABLE ingest.contents (
    document_id uuid   NOT NULL REFERENCES ingest.documents (id) ON DELETE CASCADE,
    version     bigint NOT NULL,
    content     bytea  NOT NULL,
    text        text,
    PRIMARY KEY (document_id, version)
);
