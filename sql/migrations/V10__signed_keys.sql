-- Signed requests (optional per key): the key's signing secret, sealed with AES-GCM under a key derived from
-- the API key itself (dev.brain.auth.SigningSecrets). Only a request bearing the API key can open it, so a copy
-- of this table signs nothing. Null: the key needs no signature.
alter table api_keys add column signing_secret_sealed bytea;
