-- the trace of the request or record that submitted the current version (its upload, through the gateway), so that
-- an operator can open the document's journey in a tracing backend; null when tracing was off
ALTER TABLE ingest.documents ADD COLUMN trace_id text;
