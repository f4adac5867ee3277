-- C26: dispatch state of the tag command relay.
-- A group of pending commands gets one dispatch key (status 'dispatching') in its own
-- transaction BEFORE anything is sent, so every retry resends the same group under the same
-- idempotency key and the tag manager applies it once. 'sent' is set after the tag manager
-- answered. next_attempt_at is the retry clock (and the lease of a dispatching group).
ALTER TABLE tag_command ADD COLUMN dispatch_key text;
ALTER TABLE tag_command ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE tag_command ADD COLUMN sent_at timestamptz;
DROP INDEX tag_command_pending;
CREATE INDEX tag_command_due ON tag_command (next_attempt_at, id) WHERE status <> 'sent';
CREATE INDEX tag_command_group ON tag_command (organization_id, created_via, tagged_via, id)
  WHERE status = 'pending';
CREATE INDEX tag_command_dispatch ON tag_command (dispatch_key) WHERE status = 'dispatching';
CREATE INDEX tag_command_unsent_by_task ON tag_command (task_id) WHERE status <> 'sent';
