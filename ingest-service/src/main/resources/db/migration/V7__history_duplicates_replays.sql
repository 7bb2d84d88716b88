-- Every status a document's versions went through, for the console's document page. The database writes it
-- (a trigger on ingest.documents), so no path that changes a status can forget to.
CREATE TABLE ingest.document_history (
    document_id    uuid        NOT NULL REFERENCES ingest.documents (id) ON DELETE CASCADE,
    version        bigint      NOT NULL,
    status         text        NOT NULL,
    failed_stage   text,
    failure_reason text,
    attempts       integer     NOT NULL,
    at             timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX document_history_by_document ON ingest.document_history (document_id, at);
-- how fast documents leave the queue (PARSED rows of the last minutes): the estimate for a waiting document
CREATE INDEX document_history_parsed ON ingest.document_history (at) WHERE status = 'PARSED';

CREATE FUNCTION ingest.record_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status OR NEW.version IS DISTINCT FROM OLD.version
            OR NEW.attempts IS DISTINCT FROM OLD.attempts THEN
        INSERT INTO ingest.document_history (document_id, version, status, failed_stage, failure_reason, attempts)
        VALUES (NEW.id, NEW.version, NEW.status, NEW.failed_stage, NEW.failure_reason, NEW.attempts);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER documents_history AFTER INSERT OR UPDATE ON ingest.documents
    FOR EACH ROW EXECUTE FUNCTION ingest.record_status();
-- documents from before this migration: their current status, when it was reached
INSERT INTO ingest.document_history (document_id, version, status, failed_stage, failure_reason, attempts, at)
SELECT id, version, status, failed_stage, failure_reason, attempts, updated_at FROM ingest.documents;

-- SHA-256 of the content alone (content_hash also covers title and metadata): the same file uploaded again under
-- another id is found as a duplicate before it is stored twice.
ALTER TABLE ingest.documents ADD COLUMN content_sha256 bytea;
UPDATE ingest.documents d SET content_sha256 = sha256(c.content)
FROM ingest.contents c WHERE c.document_id = d.id AND c.version = d.version;
CREATE INDEX documents_by_content ON ingest.documents (collection, content_sha256) WHERE status <> 'DELETED';

-- documents waiting for the pipeline, oldest first: a waiting document's place in the queue
CREATE INDEX documents_waiting ON ingest.documents (updated_at, id) WHERE status = 'RECEIVED';

-- Dead letters sent back to their topic (POST /v1/dead-letters/{topic}/{partition}/{offset}:replay), each once: a
-- replay claims its record (claimed_at) before it sends and marks it sent (replayed_at) when Kafka has taken it. A
-- claim never marked sent (the process died, Kafka's answer never came) may be taken again after two minutes.
CREATE TABLE ingest.dead_letter_replays (
    topic         text        NOT NULL,
    partition     integer     NOT NULL,
    record_offset bigint      NOT NULL,
    claimed_at    timestamptz NOT NULL DEFAULT now(),
    replayed_at   timestamptz,
    PRIMARY KEY (topic, partition, record_offset)
);
