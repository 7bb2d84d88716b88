-- The instance that queued or runs a job refreshes heartbeat_at; a queued or training job whose heartbeat is older
-- than rag.retrieval.adapters.stale-after lost its instance (stopped, crashed) and is marked failed by any instance.
-- Jobs left queued or training by an earlier version start from now: they are failed one stale-after from now.
ALTER TABLE adapters ADD COLUMN heartbeat_at timestamptz NOT NULL DEFAULT now();
