-- Contacts deleted in the contacts service, from its `contact.deleted` events (T25): their
-- associations are gone and later applications answer contact_not_found.
CREATE TABLE deleted_contacts (
  organization_id bigint      NOT NULL,
  contact_id      bigint      NOT NULL,
  deleted_at      timestamptz NOT NULL,
  PRIMARY KEY (organization_id, contact_id)
);
