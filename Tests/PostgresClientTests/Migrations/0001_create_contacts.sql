-- Fixture for PostgresMigratorTests: loaded through Bundle.module.
CREATE TABLE contacts (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL,
  name text NOT NULL
);
CREATE INDEX contacts_organization ON contacts (organization_id);
