-- When a version's record was taken by Kafka (rag.documents.v1). The documents row is the outbox: a REST
-- submission commits the row first and sends the record after, so a process that dies in between, or a broker that
-- is down, leaves a RECEIVED row with no queued_at. The requeuer sends those again; rows from before this column
-- were queued.
ALTER TABLE ingest.documents ADD COLUMN queued_at timestamptz;
UPDATE ingest.documents SET queued_at = created_at;
CREATE INDEX documents_to_queue ON ingest.documents (updated_at) WHERE status = 'RECEIVED' AND queued_at IS NULL;

-- Idempotency-Key of a REST submission: a client's retry of the same request answers the document the first try
-- made instead of making another one (documents without an externalId get a new id each time). Kept for
-- rag.ingest.limits.idempotency-keys-for.
CREATE TABLE ingest.idempotency_keys (
    collection   text        NOT NULL,
    key          text        NOT NULL,
    request_hash bytea       NOT NULL,
    document_id  uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (collection, key)
);
CREATE INDEX idempotency_keys_by_age ON ingest.idempotency_keys (created_at);
