-- Flyway creates the ingest schema (spring.flyway.schemas) and owns everything in it.
-- Tables arrive with the features that use them (document status: issue 5).
COMMENT ON SCHEMA ingest IS 'Owned by ingest-service; changed only by its Flyway migrations.';
