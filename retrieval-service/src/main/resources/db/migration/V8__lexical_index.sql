-- The lexical index (Lucene, one per collection in each replica) follows the chunk table by transaction id: each
-- chunk row carries the id of the transaction that wrote it, and each removal of a document's chunks leaves a row
-- in lexical_removals. A replica applies what every transaction older than the oldest running one wrote, so it
-- never skips a transaction that commits late; rows that existed before this migration carry 0 (a replica's first
-- build reads them all). Why Lucene beside PostgreSQL: docs/experiments/retrieval-service-lexical-index.md.
ALTER TABLE chunks ADD COLUMN lexical_xid xid8 NOT NULL DEFAULT '0';
ALTER TABLE chunks ALTER COLUMN lexical_xid SET DEFAULT pg_current_xact_id();
CREATE INDEX chunks_lexical_xid ON chunks (collection_id, lexical_xid);

CREATE TABLE lexical_removals (
    collection_id bigint      NOT NULL,
    document_id   text        NOT NULL,
    xid           xid8        NOT NULL DEFAULT pg_current_xact_id(),
    removed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lexical_removals_xid ON lexical_removals (collection_id, xid);
