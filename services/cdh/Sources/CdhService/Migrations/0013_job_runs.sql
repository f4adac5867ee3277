-- One re-unification run over several scopes (U6, U18, U20).
--
-- A scope change (Connect / Move / Disconnect) leaves profiles whose members now sit in
-- different scopes, so the scopes it touched are regrouped by ONE run, while every scope keeps
-- its own job row (its merge state, U7, and the one-active-job index stay per scope). The
-- run's first row (lowest job_id) leads it: `run_id` is NULL there and names the lead on the
-- other rows of the run.
ALTER TABLE reunify_job ADD COLUMN run_id bigint;
CREATE INDEX reunify_job_by_run ON reunify_job (run_id) WHERE run_id IS NOT NULL;
