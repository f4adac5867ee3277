-- Background jobs of the tag manager other than bulk tag jobs: the clean-up of deleted tags
-- (T14, DeleteTag / BatchDeleteTags job_id) and coverage recomputation (T21,
-- RecomputeTagCoverage job_id). Each has a real id and a readable status (GetTagJob).
CREATE TABLE tag_jobs (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id bigint      NOT NULL,
  kind            text        NOT NULL CHECK (kind IN ('tag_cleanup', 'coverage_recompute')),
  status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
  -- coverage_recompute: the days (organization time zone) and channel (0 = all).
  start_day       date,
  end_day         date,
  channel_id      bigint,
  -- tag_cleanup: associations removed; coverage_recompute: days computed.
  processed       bigint      NOT NULL DEFAULT 0,
  error_message   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz
);
CREATE INDEX tag_jobs_open ON tag_jobs (kind, id) WHERE status IN ('pending', 'running');
CREATE INDEX tag_jobs_by_org ON tag_jobs (organization_id, id DESC);

-- The clean-up job a deleted tag belongs to; a re-delete answers the same job (T14).
ALTER TABLE tags ADD COLUMN cleanup_job_id bigint;

-- T21 "as of the end of day D": every change of the coverage copy, in the order contacts
-- produced it. The state of a contact at instant X is its row with the greatest
-- (deleted, source_version) among those with changed_at <= X.
CREATE TABLE contact_channel_log (
  organization_id    bigint      NOT NULL,
  contact_id         bigint      NOT NULL,
  changed_at         timestamptz NOT NULL,
  source_version     bigint      NOT NULL,
  channel_id         bigint      NOT NULL,
  channel_type       text        NOT NULL,
  line_follow_status text,
  deleted            boolean     NOT NULL DEFAULT false,
  PRIMARY KEY (organization_id, contact_id, source_version, deleted, changed_at)
);
CREATE INDEX contact_channel_log_by_channel ON contact_channel_log (organization_id, channel_id);
-- Copies recorded before the log existed have no change time: they count from the beginning.
INSERT INTO contact_channel_log (organization_id, contact_id, changed_at, source_version,
  channel_id, channel_type, line_follow_status, deleted)
SELECT organization_id, contact_id, '-infinity', source_version, channel_id, channel_type,
  line_follow_status, false FROM contact_channel WHERE channel_id <> 0 OR deleted_at IS NULL;
INSERT INTO contact_channel_log (organization_id, contact_id, changed_at, source_version,
  channel_id, channel_type, line_follow_status, deleted)
SELECT organization_id, contact_id, deleted_at, source_version, channel_id, channel_type,
  line_follow_status, true FROM contact_channel WHERE deleted_at IS NOT NULL;

-- Association state as of an instant, from the application history (T21 past days).
CREATE INDEX tag_events_as_of ON tag_events
  (organization_id, contact_id, tag_source, tag_id, origin, occurred_at, id);

-- T23: placing a CDH member in an organization by the copy (is it another organization's?).
CREATE INDEX contact_channel_by_contact ON contact_channel (contact_id);
