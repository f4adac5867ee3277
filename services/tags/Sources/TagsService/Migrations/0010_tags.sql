-- Tag manager schema (spec/tags.md §3.7). Every row carries organization_id; every query
-- filters on it (T27).

CREATE SEQUENCE maac_tag_id_seq;

-- Tag definitions (§3.1). caac ids come from CDH, maac ids from maac_tag_id_seq.
CREATE TABLE tags (
  organization_id    bigint      NOT NULL,
  source             text        NOT NULL CHECK (source IN ('maac', 'caac')),
  id                 bigint      NOT NULL,
  name               text        NOT NULL,
  created_via        text        NOT NULL,
  created_via_detail text,
  created_by_ref_kind text,
  created_by_ref_id  text,
  expiry_mode        text        NOT NULL DEFAULT 'none'
                     CHECK (expiry_mode IN ('none', 'relative', 'absolute')),
  ttl_days           int,
  expire_at          timestamptz,
  version            bigint      NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  deleted_at         timestamptz,
  -- Set when deleted; cleared once the background clean-up removed every association (T14).
  cleanup_pending    boolean     NOT NULL DEFAULT false,
  PRIMARY KEY (organization_id, source, id)
);
-- T2: names are unique among non-deleted tags of one org and source; deleted names reusable.
CREATE UNIQUE INDEX tags_active_name_uq ON tags (organization_id, source, name)
  WHERE deleted_at IS NULL;
CREATE INDEX tags_cleanup ON tags (organization_id) WHERE cleanup_pending;

-- Exact member counts (T12), maintained in the same transaction as association writes. Kept
-- out of `tags` so counter churn does not rewrite the wide definition rows.
CREATE TABLE tag_counters (
  organization_id     bigint NOT NULL,
  source              text   NOT NULL,
  id                  bigint NOT NULL,
  member_count        bigint NOT NULL DEFAULT 0 CHECK (member_count >= 0),
  direct_member_count bigint NOT NULL DEFAULT 0 CHECK (direct_member_count >= 0),
  PRIMARY KEY (organization_id, source, id),
  FOREIGN KEY (organization_id, source, id) REFERENCES tags (organization_id, source, id)
);
CREATE INDEX tag_counters_sort ON tag_counters (organization_id, member_count DESC, id DESC);

-- Associations (§3.2). The primary key leads with the contact: "a contact's tags" is an
-- index range scan; "a tag's members" uses contact_tags_by_tag.
CREATE TABLE contact_tags (
  organization_id  bigint      NOT NULL,
  contact_id       bigint      NOT NULL,
  tag_source       text        NOT NULL,
  tag_id           bigint      NOT NULL,
  origin           text        NOT NULL CHECK (origin IN ('direct', 'inherited')),
  ref_type         text        NOT NULL DEFAULT 'none',
  first_tagged_at  timestamptz NOT NULL,
  last_tagged_at   timestamptz NOT NULL,
  tag_count        int         NOT NULL DEFAULT 1 CHECK (tag_count >= 1),
  first_tagged_via text        NOT NULL,
  last_tagged_via  text        NOT NULL,
  last_ref_kind    text,
  last_ref_id      text,
  expires_at       timestamptz,
  PRIMARY KEY (organization_id, contact_id, tag_source, tag_id, origin)
);
CREATE INDEX contact_tags_by_tag ON contact_tags (organization_id, tag_source, tag_id, contact_id);
CREATE INDEX contact_tags_expiry ON contact_tags (organization_id, tag_source, tag_id, expires_at)
  WHERE expires_at IS NOT NULL;
CREATE INDEX contact_tags_expiry_sweep ON contact_tags (expires_at) WHERE expires_at IS NOT NULL;

-- Append-only application history (§3.3).
CREATE TABLE tag_events (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id bigint      NOT NULL,
  contact_id      bigint      NOT NULL,
  tag_source      text        NOT NULL,
  tag_id          bigint      NOT NULL,
  action          text        NOT NULL CHECK (action IN ('add', 'remove')),
  origin          text        NOT NULL,
  tagged_via      text,
  reason          text,
  ref_kind        text,
  ref_id          text,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  idempotency_key text
);
CREATE INDEX tag_events_by_contact ON tag_events (organization_id, contact_id, id DESC);

-- Replay protection (T8): a key is remembered for 24 hours with the response it produced.
CREATE TABLE idempotency_keys (
  organization_id bigint      NOT NULL,
  key             text        NOT NULL,
  response        bytea       NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, key)
);

-- Bulk tag jobs (§3.4).
CREATE TABLE bulk_jobs (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id         bigint      NOT NULL,
  action                  text        NOT NULL CHECK (action IN ('add', 'remove')),
  tag_sources             text[]      NOT NULL,
  tag_ids                 bigint[]    NOT NULL,
  -- The BulkTagTarget as sent (protobuf), resolved only when the job runs (T16).
  target                  bytea       NOT NULL,
  not_before              timestamptz,
  status                  text        NOT NULL DEFAULT 'pending',
  submitted_preview_count bigint,
  evaluated_at            timestamptz,
  data_as_of              timestamptz,
  matched_count           bigint      NOT NULL DEFAULT 0,
  affected_count          bigint      NOT NULL DEFAULT 0,
  unchanged_count         bigint      NOT NULL DEFAULT 0,
  skipped_count           bigint      NOT NULL DEFAULT 0,
  warnings                text[]      NOT NULL DEFAULT '{}',
  error_reason            text,
  error_message           text,
  created_by              text        NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now(),
  started_at              timestamptz,
  finished_at             timestamptz,
  -- Last contact id whose batch committed; a restarted runner continues after it.
  checkpoint              bigint,
  -- Whether the target was resolved into bulk_job_targets.
  resolved                boolean     NOT NULL DEFAULT false
);
CREATE INDEX bulk_jobs_queue ON bulk_jobs (organization_id, id) WHERE status IN ('pending', 'running');
CREATE INDEX bulk_jobs_by_org ON bulk_jobs (organization_id, id DESC);

-- The contacts a job resolved to at execution time, processed in contact_id order.
CREATE TABLE bulk_job_targets (
  job_id     bigint NOT NULL REFERENCES bulk_jobs (id) ON DELETE CASCADE,
  contact_id bigint NOT NULL,
  PRIMARY KEY (job_id, contact_id)
);

-- Daily coverage snapshots (§3.5, T21). A day without a 'computed' row reads missing.
CREATE TABLE coverage_daily (
  organization_id  bigint      NOT NULL,
  channel_id       bigint      NOT NULL,
  day              date        NOT NULL,
  state            text        NOT NULL CHECK (state IN ('computed', 'failed')),
  total_contacts   bigint,
  tagged_contacts  bigint,
  following_total  bigint,
  following_tagged bigint,
  failure_reason   text,
  computed_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, channel_id, day)
);
