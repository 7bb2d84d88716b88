-- A key may expire (NULL: never); when it was last used is recorded (at most once a minute per gateway replica).
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz, ADD COLUMN last_used_at timestamptz;
