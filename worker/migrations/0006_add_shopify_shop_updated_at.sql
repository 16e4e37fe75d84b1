-- shop/update: the signed updated_at (ms) of the last shop update applied to the shop's site (its origins follow
-- the primary domain). An older update, late or replayed, is acknowledged and ignored. NULL = none yet.
ALTER TABLE shopify_shops ADD COLUMN shop_updated_at INTEGER;
