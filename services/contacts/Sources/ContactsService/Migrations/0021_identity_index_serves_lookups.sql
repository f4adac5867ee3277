-- Scale: one index fewer on every contact write (imports maintain every index per row).
-- The C3 identity index now leads with external_id, so it also serves every lookup by a
-- channel primary key (LINE UID, Facebook / Instagram id, email address, sms / WhatsApp
-- number) and the import's key matching; the separate contact_external index is dropped.
-- Uniqueness is unchanged: the same columns, in another order.
CREATE UNIQUE INDEX contact_identity_key_uq ON contact
  (organization_id, external_id, channel_type,
   (CASE WHEN channel_type = 'sms' THEN 0 ELSE coalesce(channel_id, 0) END))
  WHERE deleted_at IS NULL;
DROP INDEX contact_identity_uq;
DROP INDEX contact_external;
