-- Scale (#5): row results that carry no information beyond "created/updated, this contact, this
-- key" (no issue, no tag, not in the failure report) are stored as runs of consecutive rows: one
-- row per run instead of one per CSV row. `import_row_result` keeps every other row (failed,
-- skipped, with issues, tagged: the tag manager may add an issue later, C26). The per-row API
-- (ListImportRowResults) answers from both, in row order, exactly as before (C17).
CREATE TABLE import_row_run (
  task_id     bigint   NOT NULL,
  first_row   bigint   NOT NULL,
  last_row    bigint   NOT NULL,
  outcome     text     NOT NULL,
  -- Element i belongs to row first_row + i - 1.
  contact_ids bigint[] NOT NULL,
  key_values  text[]   NOT NULL,
  PRIMARY KEY (task_id, first_row),
  CHECK (last_row >= first_row
    AND cardinality(contact_ids) = last_row - first_row + 1
    AND cardinality(key_values) = last_row - first_row + 1)
);
-- The arrays are written once and read a page at a time: store them uncompressed (pglz cost
-- about 1 µs per row at import for little gain on hex ids and keys; slices read less).
ALTER TABLE import_row_run ALTER COLUMN contact_ids SET STORAGE EXTERNAL,
  ALTER COLUMN key_values SET STORAGE EXTERNAL;
