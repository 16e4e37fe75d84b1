-- API keys get a name, shown in the console's key list (keys are listed by name and prefix, never shown again).
ALTER TABLE api_keys ADD COLUMN name TEXT NOT NULL DEFAULT 'First key';

-- The Shopify admin now calls the service layer directly with the shop's verified session: shops no longer keep
-- a sealed site API key to call their own site with. The keys made for that purpose were never shown to anyone;
-- they are revoked here, and the sealed copies blanked (the column stays, unused, for older deployments).
DELETE FROM api_keys WHERE site_id IN (SELECT site_id FROM shopify_shops);
UPDATE shopify_shops SET api_key = '';
