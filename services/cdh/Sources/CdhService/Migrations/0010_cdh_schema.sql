-- CDH's own schema (spec/cdh.md §2.2). The replica of each channel entity (attributes with
-- their source/arrival timestamps, origin and last event id, tag rows, channel data) is kept
-- as one jsonb document per entity: the engine reads and writes an entity as a whole, and
-- one row per entity keeps a 1,000,000-contact re-unification to 1,000,000 row writes.

CREATE TABLE unify_scope (
  unify_scope_id bigint PRIMARY KEY,
  name text NOT NULL,
  unify_keys text[] NOT NULL DEFAULT '{}',
  -- The key set the current components were computed with (the job applies unify_keys).
  applied_keys text[] NOT NULL DEFAULT '{}',
  settings_version bigint NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (cardinality(unify_keys) <= 3)
);

CREATE TABLE org_unify_scope (
  organization_id bigint NOT NULL,
  source text NOT NULL CHECK (source IN ('maac', 'caac')),
  unify_scope_id bigint NOT NULL REFERENCES unify_scope,
  org_uuid text,
  name text,
  default_country text NOT NULL DEFAULT 'TW',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, source)
);
CREATE INDEX org_unify_scope_by_uuid ON org_unify_scope (org_uuid);

CREATE TABLE channel_entity (
  source text NOT NULL CHECK (source IN ('maac', 'caac')),
  member_id bigint NOT NULL CHECK (member_id > 0),
  organization_id bigint NOT NULL,
  unify_scope_id bigint NOT NULL,
  profile_id bigint,
  deleted_at timestamptz,
  replica jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, member_id)
);
CREATE INDEX channel_entity_by_org ON channel_entity (organization_id, member_id);
CREATE INDEX channel_entity_by_profile ON channel_entity (profile_id);

CREATE TABLE profile (
  profile_id bigint PRIMARY KEY,
  unify_scope_id bigint NOT NULL,
  created_at timestamptz NOT NULL,
  merged_into bigint,
  member_count int NOT NULL,
  retired boolean NOT NULL DEFAULT false,
  -- Materialised merged profile (§3.5): members, view, version, unification_updated_at.
  state jsonb,
  version bigint NOT NULL DEFAULT 0
);

CREATE TABLE deleted_tag (
  organization_id bigint NOT NULL,
  source text NOT NULL,
  tag_source text NOT NULL,
  tag_id bigint NOT NULL,
  deleted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, source, tag_source, tag_id)
);

CREATE TABLE reunify_job (
  job_id bigserial PRIMARY KEY,
  unify_scope_id bigint NOT NULL,
  organization_id bigint NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('settings_change', 'scope_change', 'disconnect', 'admin_resync')),
  settings_version bigint NOT NULL,
  broadcast_all boolean NOT NULL DEFAULT false,
  status text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'superseded')),
  total_entities bigint NOT NULL DEFAULT 0,
  processed_entities bigint NOT NULL DEFAULT 0,
  influenced_entities bigint NOT NULL DEFAULT 0,
  batches_published bigint NOT NULL DEFAULT 0,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE UNIQUE INDEX reunify_job_one_active ON reunify_job (unify_scope_id)
  WHERE status IN ('pending', 'running');

CREATE TABLE import_task (
  task_id bigserial PRIMARY KEY,
  organization_id bigint NOT NULL,
  source text NOT NULL,
  unify_scope_id bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'running', 'complete', 'failed')),
  total_rows bigint NOT NULL,
  processed_rows bigint NOT NULL DEFAULT 0,
  failed_rows bigint NOT NULL DEFAULT 0,
  errors jsonb NOT NULL DEFAULT '[]',
  idempotency_key text NOT NULL DEFAULT '',
  created_by text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE UNIQUE INDEX import_task_one_active ON import_task (unify_scope_id)
  WHERE status IN ('pending', 'running');
CREATE UNIQUE INDEX import_task_idempotency ON import_task (organization_id, idempotency_key)
  WHERE idempotency_key <> '';

CREATE TABLE import_task_row (
  task_id bigint NOT NULL REFERENCES import_task ON DELETE CASCADE,
  row_no int NOT NULL,
  member_id bigint NOT NULL,
  updates jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending',
  error text,
  PRIMARY KEY (task_id, row_no)
);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  unify_scope_id bigint NOT NULL,
  organization_id bigint NOT NULL,
  source text,
  member_id bigint,
  line_uid text,
  channel_id bigint,
  profile_id bigint,
  previous_profile_id bigint,
  event_type text NOT NULL,
  attribute text,
  previous_value text,
  new_value text,
  actor_type text NOT NULL,
  actor_id text NOT NULL,
  correlation_id text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_org ON audit_log (organization_id, occurred_at, id);
CREATE INDEX audit_log_by_member ON audit_log (source, member_id, occurred_at);
CREATE INDEX audit_log_by_profile ON audit_log (profile_id, occurred_at);
CREATE INDEX audit_log_by_line_uid ON audit_log (line_uid, occurred_at);

CREATE TABLE engine_sequence (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  next_scope_id bigint NOT NULL,
  next_profile_id bigint NOT NULL,
  next_version bigint NOT NULL
);
INSERT INTO engine_sequence VALUES (true, 1, 1, 1);
