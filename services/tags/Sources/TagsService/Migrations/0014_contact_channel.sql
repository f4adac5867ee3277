-- T21: the tag manager's own copy of each contact's channel, LINE follow status and deletion,
-- fed by contacts' contact.created / contact.updated / contact.deleted events (never contacts'
-- tables). source_version orders the copy: an older event never overwrites a newer one.
CREATE TABLE contact_channel (
  organization_id    bigint      NOT NULL,
  contact_id         bigint      NOT NULL,
  channel_id         bigint      NOT NULL,
  channel_type       text        NOT NULL,
  line_follow_status text,
  deleted_at         timestamptz,
  source_version     bigint      NOT NULL DEFAULT 0,
  PRIMARY KEY (organization_id, contact_id)
);
CREATE INDEX contact_channel_live ON contact_channel (organization_id, channel_id)
  WHERE deleted_at IS NULL;
