-- Memberships in their own narrow table (spec/cdh.md §2.2 unified_member): a re-unification
-- job rewrites only these rows (profile id, version, unification time), never the entity
-- replicas, so a 1,000,000-contact job writes 1,000,000 small tuples.
CREATE TABLE unified_member (
  source text NOT NULL,
  member_id bigint NOT NULL,
  unify_scope_id bigint NOT NULL,
  profile_id bigint NOT NULL,
  unification_updated_at timestamptz,
  -- Version of the last outbound item that touched this member (U42).
  version bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (source, member_id)
);
INSERT INTO unified_member (source, member_id, unify_scope_id, profile_id, version)
SELECT source, member_id, unify_scope_id, profile_id, 0 FROM channel_entity
WHERE profile_id IS NOT NULL AND deleted_at IS NULL;
DROP INDEX channel_entity_by_profile;
ALTER TABLE channel_entity DROP COLUMN profile_id;
