-- Admin center part 1 (issue #9): organizations, channels, their credentials, custom-field
-- definitions. The outbox tables come from the platform migrations (versions 1-9,
-- OutboxSchema.producerMigration). Email onboarding tables (sender domains, profiles,
-- delivery events, transitions) arrive with part 2.

CREATE TABLE organizations (
  id bigserial PRIMARY KEY,
  uuid uuid NOT NULL UNIQUE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
  region text NULL CHECK (region IN ('tw', 'th', 'jp')),
  timezone text NOT NULL DEFAULT 'Asia/Taipei',
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE channels (
  id bigserial PRIMARY KEY,
  organization_id bigint NOT NULL REFERENCES organizations (id),
  uuid uuid NOT NULL UNIQUE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
  type text NOT NULL CHECK (type IN ('email', 'line', 'sms', 'whatsapp', 'facebook', 'instagram')),
  -- Non-email channels: the status Ops stored (Q13). Email channels compute theirs (A18).
  stored_status text NULL CHECK (stored_status IN ('connected', 'not_set')),
  external_channel_id text NULL,
  legacy_bot_id bigint NULL CHECK (legacy_bot_id > 0),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((type = 'email') = (stored_status IS NULL)),
  CHECK (type = 'line' OR legacy_bot_id IS NULL),
  -- Lets child tables carry organization_id with a foreign key that proves it matches.
  UNIQUE (organization_id, id)
);
CREATE INDEX channels_by_organization ON channels (organization_id, type, id);

-- 1:1 with an email channel (spec §3.3). Provider keys live in channel_credentials.
CREATE TABLE email_channel_settings (
  channel_id bigint PRIMARY KEY REFERENCES channels (id),
  organization_id bigint NOT NULL,
  brand_domain text NOT NULL,
  provider text NOT NULL DEFAULT 'sendgrid' CHECK (provider IN ('sendgrid', 'stub')),
  health_state text NOT NULL DEFAULT 'normal'
    CHECK (health_state IN ('normal', 'warning', 'suspended')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (organization_id, channel_id) REFERENCES channels (organization_id, id)
);

-- Secrets of a channel (A22): only read by the credential RPCs for service callers, never by
-- a query that feeds a public answer.
CREATE TABLE channel_credentials (
  channel_id bigint PRIMARY KEY REFERENCES channels (id),
  organization_id bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('line', 'meta', 'whatsapp', 'sms', 'email')),
  secret jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (organization_id, channel_id) REFERENCES channels (organization_id, id)
);

CREATE TABLE custom_field_definitions (
  organization_id bigint NOT NULL REFERENCES organizations (id),
  slot smallint NOT NULL CHECK (slot BETWEEN 1 AND 200),
  label text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 50),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, slot)
);
