ALTER TABLE contacts ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
