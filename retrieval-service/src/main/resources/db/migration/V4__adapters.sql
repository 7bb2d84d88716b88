-- Task adapters (README, "Adapters"): low-rank residual maps applied to query vectors of one collection. A row
-- is a training job until it is ready; weights are little-endian float32, A (rank x dimensions) then B.
CREATE TABLE adapters (
    id              uuid        PRIMARY KEY,
    collection_id   bigint      NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    version         int         NOT NULL,
    name            text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('queued', 'training', 'ready', 'failed', 'cancelled')),
    active          boolean     NOT NULL DEFAULT false,
    supervision     text        NOT NULL CHECK (supervision IN ('labels', 'distillation')),
    task            text        NOT NULL,
    embedding_model text        NOT NULL,
    dimensions      int         NOT NULL,
    rank            int         NOT NULL CHECK (rank BETWEEN 1 AND 512),
    weights         bytea,
    data_digest     text        NOT NULL,
    settings        jsonb       NOT NULL,
    metrics         jsonb,
    progress        jsonb,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    UNIQUE (collection_id, version),
    CHECK (NOT active OR status = 'ready')
);

-- at most one active adapter per collection
CREATE UNIQUE INDEX adapters_active ON adapters (collection_id) WHERE active;
