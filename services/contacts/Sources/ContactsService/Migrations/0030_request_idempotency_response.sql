-- §4.1: a repeated request_id answers the first answer, so keep the answer itself.
ALTER TABLE request_idempotency ADD COLUMN response bytea;
