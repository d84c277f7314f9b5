-- What account search compares against: name and email folded for case and accents (see
-- trustwork_core::search::search_key). Filled for older rows at start by `Db::migrate`.
ALTER TABLE accounts ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
