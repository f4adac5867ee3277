-- Scale (#5): every contact write maintains these indexes. Lookups by phone and customer id
-- (ContactStore.lookup, ContactSearch with an identifier) filter through an `OFFSET 0`
-- subquery and sort the few matches afterwards, so the trailing (created_at, id) of these two
-- indexes is never used for order: narrower entries, same lookups.
CREATE INDEX contact_phone_narrow ON contact (organization_id, display_mobile)
  WHERE deleted_at IS NULL AND display_mobile IS NOT NULL;
CREATE INDEX contact_customer_narrow ON contact (organization_id, customer_id)
  WHERE deleted_at IS NULL AND customer_id IS NOT NULL;
DROP INDEX contact_phone;
DROP INDEX contact_customer;
