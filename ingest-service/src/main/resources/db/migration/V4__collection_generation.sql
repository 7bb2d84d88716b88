-- Which collection of its name a document was sent to: retrieval-service gives each collection it creates a new
-- generation, and announces it when the collection is deleted. The documents of that generation (or of an unknown
-- one: rows from before this column) are then DELETED, and those of a collection created again under the same
-- name are not touched.
ALTER TABLE ingest.documents ADD COLUMN collection_generation bigint;
