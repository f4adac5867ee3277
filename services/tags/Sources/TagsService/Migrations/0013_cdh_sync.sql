-- T23: the source timestamp of the last CDH item applied per association, so an item older
-- than the row's last change is ignored (CDH delivers per profile; a later item may overtake).
-- Kept after a removal too, unlike the association row itself.
CREATE TABLE cdh_tag_sync (
  organization_id  bigint      NOT NULL,
  contact_id       bigint      NOT NULL,
  tag_source       text        NOT NULL,
  tag_id           bigint      NOT NULL,
  origin           text        NOT NULL,
  source_timestamp timestamptz NOT NULL,
  PRIMARY KEY (organization_id, contact_id, tag_source, tag_id, origin)
);
