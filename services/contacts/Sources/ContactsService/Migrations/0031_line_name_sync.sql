-- C33, C56: LINE contacts whose profile could not be fetched when they were created; the
-- name-sync worker retries until the profile arrives or 24 h passed.
CREATE TABLE line_name_sync (
  organization_id bigint      NOT NULL,
  contact_id      bigint      NOT NULL,
  channel_id      bigint      NOT NULL,
  line_uid        text        NOT NULL,
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  give_up_at      timestamptz NOT NULL DEFAULT now() + interval '24 hours',
  last_error      text,
  PRIMARY KEY (organization_id, contact_id)
);
CREATE INDEX line_name_sync_due ON line_name_sync (next_attempt_at);
