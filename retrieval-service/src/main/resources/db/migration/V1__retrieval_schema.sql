-- Flyway creates the retrieval schema (spring.flyway.schemas) and owns everything in it.
-- pgvector lives in public so every schema can use the vector type; a managed database may have created it already.
CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;
COMMENT ON SCHEMA retrieval IS 'Owned by retrieval-service; changed only by its Flyway migrations.';
