-- T20: whether `tag.expired` was published for the tag's current absolute expiry.
ALTER TABLE tags ADD COLUMN expiry_announced boolean NOT NULL DEFAULT false;
