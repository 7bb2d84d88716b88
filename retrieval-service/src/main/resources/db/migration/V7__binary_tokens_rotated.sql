-- The binary token form changed: the signs are now of each residual after a fixed random rotation, with the scale
-- |r|^2 / |Rr|_1 (platform-runtime TokenEncoding.BINARY; +0.015 nDCG@10 on SciFact, the same 50 bytes a token).
-- Vectors stored in the earlier form would be scored wrongly by the new MaxSim, so they are cleared: the token
-- backfill re-encodes these chunks, and until a collection has them all a rerank falls back to rerank-service.
UPDATE retrieval.chunks SET token_vectors = NULL
WHERE token_vectors IS NOT NULL
  AND collection_id IN (SELECT id FROM retrieval.collections WHERE token_storage = 'binary');

UPDATE retrieval.pending_chunks SET token_vectors = NULL
WHERE token_vectors IS NOT NULL
  AND collection_id IN (SELECT id FROM retrieval.collections WHERE token_storage = 'binary');
