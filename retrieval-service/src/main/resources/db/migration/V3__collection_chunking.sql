-- How ingest-service cuts a collection's documents into chunks (measured in the embedding model's tokens).
-- A setting of the collection, so one create call configures everything; ingest-service reads it over HTTP.
ALTER TABLE retrieval.collections
    ADD COLUMN chunk_target_tokens integer NOT NULL DEFAULT 480 CHECK (chunk_target_tokens BETWEEN 16 AND 8192),
    ADD COLUMN chunk_overlap_tokens integer NOT NULL DEFAULT 64
        CHECK (chunk_overlap_tokens >= 0 AND chunk_overlap_tokens * 2 < chunk_target_tokens);
