-- How many times processing of a rag.documents.v1 record was started and did not finish. A row is written before
-- the pipeline runs and deleted when the record is done (indexed, failed or dead-lettered), so a row that
-- outlives a process is a record that was in flight when the process died. It is in the database, not in memory,
-- because the failure it counts is the process dying: after max-deliveries such starts the record is dead-lettered.
CREATE TABLE ingest.deliveries (
    topic           text        NOT NULL,
    partition       integer     NOT NULL,
    record_offset   bigint      NOT NULL,
    started         integer     NOT NULL CHECK (started > 0),
    last_started_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition, record_offset)
);
