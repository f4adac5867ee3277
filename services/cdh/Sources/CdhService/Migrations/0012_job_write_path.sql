-- The re-unification job's write path (issue #7 scale target).
--
-- Retired profiles (merged away or split off) keep only where they went: a narrow table of
-- their own. A job retiring 750,000 singleton profiles deletes their wide rows set-based
-- and inserts two integers each, instead of rewriting each row with its state cleared.
CREATE TABLE retired_profile (
  profile_id bigint PRIMARY KEY,
  merged_into bigint
);
INSERT INTO retired_profile (profile_id, merged_into)
SELECT profile_id, merged_into FROM profile WHERE retired;
DELETE FROM profile WHERE retired;

-- A job rewrites every moved member's row once: free room on each page lets the new
-- version stay on its page (a HOT update, no new primary-key entry).
ALTER TABLE unified_member SET (fillfactor = 60);
ALTER TABLE profile SET (fillfactor = 80);

-- Audit entries of memberships carry no LINE uid: index only the rows that have one (the
-- query's `line_uid = $1` implies it). The profile index could serve no query: the audit
-- query matches `profile_id = $1 OR previous_profile_id = $1`, which a single-column index
-- cannot answer, so it only cost every inserted entry.
DROP INDEX audit_log_by_line_uid;
CREATE INDEX audit_log_by_line_uid ON audit_log (line_uid, occurred_at) WHERE line_uid IS NOT NULL;
DROP INDEX audit_log_by_profile;
