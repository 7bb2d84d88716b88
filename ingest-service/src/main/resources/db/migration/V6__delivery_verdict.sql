-- A record found to be poison keeps its verdict here until the error handler has dead-lettered it: the records of
-- a batch are redelivered after a failure, and by then the record's document is FAILED, so running it again would
-- find nothing to do and the record would never reach the dead-letter topic. A record can be poison before its
-- processing ever started (not a document record), hence started may be 0.
ALTER TABLE ingest.deliveries
    ADD COLUMN poison_stage  text,
    ADD COLUMN poison_reason text,
    DROP CONSTRAINT deliveries_started_check,
    ADD CONSTRAINT deliveries_started_check CHECK (started >= 0);
