-- Late interaction at index time: each chunk's token vectors, computed by embedding-service in the pass that makes
-- its vector, stored in the collection's token storage (platform-runtime TokenEncoding); NULL: none (a collection
-- created before, or without late interaction).
ALTER TABLE retrieval.collections
    ADD COLUMN token_storage text CHECK (token_storage IN ('float32', 'int8', 'binary'));

-- EXTERNAL: always out of line, in the partition's TOAST table, never compressed (sign bits and int8 do not
-- compress); the heap rows that HNSW and BM25 read keep an 18-byte pointer. Partitions created later inherit it.
ALTER TABLE retrieval.chunks ADD COLUMN token_vectors bytea;
ALTER TABLE retrieval.chunks ALTER COLUMN token_vectors SET STORAGE EXTERNAL;

ALTER TABLE retrieval.pending_chunks ADD COLUMN token_vectors bytea;
ALTER TABLE retrieval.pending_chunks ALTER COLUMN token_vectors SET STORAGE EXTERNAL;
