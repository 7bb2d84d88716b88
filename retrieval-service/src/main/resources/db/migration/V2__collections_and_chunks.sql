-- Collections, documents and chunks. The chunk table is LIST-partitioned by collection: the service creates one
-- partition per collection (with its own HNSW index, typed to the collection's dimensions) when the collection
-- is created and drops it when the collection is deleted. Why: see the README ("Index layout").

CREATE TABLE collections (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                 text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    embedding_model      text        NOT NULL,
    dimensions           int         NOT NULL CHECK (dimensions BETWEEN 1 AND 4000),
    distance             text        NOT NULL CHECK (distance IN ('cosine', 'l2', 'inner_product')),
    storage              text        NOT NULL CHECK (storage IN ('vector', 'halfvec')),
    default_task         text        NOT NULL,
    language             regconfig   NOT NULL,
    hnsw_m               int         NOT NULL CHECK (hnsw_m BETWEEN 2 AND 100),
    hnsw_ef_construction int         NOT NULL CHECK (hnsw_ef_construction BETWEEN 4 AND 1000),
    -- kept in step by the indexer in the same transaction as the chunks: counts for the API, N and avgdl for BM25
    document_count       bigint      NOT NULL DEFAULT 0,
    chunk_count          bigint      NOT NULL DEFAULT 0,
    token_count          bigint      NOT NULL DEFAULT 0,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- The indexed version of every document, and tombstones of deleted ones, so re-ordered or duplicated
-- deliveries of older versions are recognised and ignored.
CREATE TABLE documents (
    collection_id bigint      NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    document_id   text        NOT NULL,
    version       bigint      NOT NULL,
    deleted       boolean     NOT NULL DEFAULT false,
    title         text,
    external_id   text,
    chunk_count   int         NOT NULL DEFAULT 0,
    indexed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (collection_id, document_id)
);

CREATE TABLE chunks (
    collection_id bigint  NOT NULL,
    document_id   text    NOT NULL,
    chunk_index   int     NOT NULL,
    version       bigint  NOT NULL,
    text          text    NOT NULL,
    start_offset  int     NOT NULL,
    end_offset    int     NOT NULL,
    metadata      jsonb   NOT NULL DEFAULT '{}',
    -- exactly one of the two is set, by the collection's storage; each partition indexes its own
    embedding      public.vector,
    embedding_half public.halfvec,
    -- computed by PostgreSQL from the text with the collection's language when the row is written
    tsv           tsvector NOT NULL,
    token_count   int      NOT NULL,
    content_hash  bytea    NOT NULL,
    PRIMARY KEY (collection_id, document_id, chunk_index)
) PARTITION BY LIST (collection_id);

CREATE INDEX chunks_tsv ON chunks USING gin (tsv);
CREATE INDEX chunks_metadata ON chunks USING gin (metadata jsonb_path_ops);

-- Parts of multi-part document versions wait here until the version is complete.
CREATE TABLE pending_chunks (
    collection_id bigint      NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    document_id   text        NOT NULL,
    version       bigint      NOT NULL,
    chunk_index   int         NOT NULL,
    text          text        NOT NULL,
    start_offset  int         NOT NULL,
    end_offset    int         NOT NULL,
    metadata      jsonb       NOT NULL DEFAULT '{}',
    embedding     real[]      NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (collection_id, document_id, version, chunk_index)
);

-- Document length for BM25: the number of indexed tokens (stop words excluded), i.e. the sum of positions.
CREATE FUNCTION tsvector_token_count(tsvector) RETURNS int
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT coalesce(sum(coalesce(array_length(positions, 1), 1)), 0)::int FROM unnest($1) $$;
