-- API keys of the gateway. Only a SHA-256 of each key is kept (keys are 256 random bits, so a fast hash is enough);
-- the key itself is shown once, when it is created.
CREATE TABLE api_keys (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- the first characters of the key ("rag_" and 8 more), to tell keys apart in lists
    prefix      text        NOT NULL,
    key_hash    bytea       NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    -- read | write | admin (cumulative: write includes read, admin both)
    scopes      text[]      NOT NULL CHECK (cardinality(scopes) > 0),
    -- the collections the key may use; NULL: every collection
    collections text[],
    created_at  timestamptz NOT NULL DEFAULT now()
);
