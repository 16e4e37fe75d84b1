import * as z from 'zod';
import { optText, reqText, strictObject } from '../fields';

// Importing subscribers with their VAPID key pair from another push tool, and a site's VAPID keys (issue 15).

/** Most rows one import request takes. */
export const MAX_IMPORT_ROWS = 10_000;
/** Largest import request body, in bytes (10,000 rows of long FCM endpoints fit). */
export const MAX_IMPORT_BYTES = 6 * 1024 * 1024;
/** Most invalid rows an import report lists (the count says how many there were in all). */
export const MAX_REPORTED_INVALID = 100;

/**
 * Body of POST /v1/sites/{siteId}/subscribers/import. The rows are checked one by one afterwards (a bad row is
 * reported, not the whole request), so they are loose here.
 */
export const importRequest = strictObject(
	{
		vapidPublicKey: reqText(200).describe(
			'The old tool\'s VAPID public key (base64url of the 65-byte uncompressed point, the "applicationServerKey")',
		),
		vapidPrivateKey: reqText(200).describe(
			"The old tool's VAPID private key (base64url of the 32-byte scalar d)",
		),
		label: optText(100).describe('A name for the key pair in the key list; default "Imported <date>"'),
		subscriptions: z
			.array(z.unknown(), { error: 'must be an array of subscriptions' })
			.max(MAX_IMPORT_ROWS, { error: `must hold at most ${MAX_IMPORT_ROWS} rows; split the file` })
			.optional()
			.describe(
				'Rows as `{endpoint, keys: {p256dh, auth}}` (PushSubscription JSON) or `{endpoint, p256dh, auth}`, each with optional `externalUserId` and `createdAt` (ISO date or epoch ms)',
			),
		csv: z
			.string({ error: 'must be a string of CSV text' })
			.optional()
			.describe(
				'Instead of `subscriptions`: CSV text whose header names the columns `endpoint`, `p256dh`, `auth` (and optionally `externalUserId`, `createdAt`), in any order',
			),
	},
	'is not a field of an import (vapidPublicKey, vapidPrivateKey, label, subscriptions or csv)',
);

/** What an import did, row by row. */
export const importReport = z.object({
	keyId: z.string().describe('The id of the key pair the imported subscribers are signed with'),
	imported: z.number().describe('Rows added as subscribers'),
	duplicate: z
		.number()
		.describe('Rows whose endpoint the site already has (an import repeated adds nothing)'),
	invalid: z
		.array(
			z.object({ row: z.number().describe('1-based row (CSV: line after the header)'), reason: z.string() }),
		)
		.describe(`The first ${MAX_REPORTED_INVALID} rows refused, with why`),
	invalidCount: z.number().describe('How many rows were refused in all'),
});

/** One of a site's VAPID keys (public parts only). */
export const vapidKeyView = z.object({
	keyId: z.string(),
	publicKey: z.string().describe('base64url applicationServerKey'),
	label: z.string(),
	current: z
		.boolean()
		.describe("The site's current key: new subscriptions are made with it; it cannot be deleted"),
	subscribers: z.number().describe('Subscribers whose subscription was made with this key'),
	createdAt: z.string(),
});

export const vapidKeyList = z.object({ vapidKeys: z.array(vapidKeyView) });

/** Query of DELETE /v1/sites/{siteId}/vapid-keys/{keyId}. */
export const vapidKeyDeleteQuery = z.object({
	force: z
		.enum(['true', 'false'], { error: 'must be true or false' })
		.optional()
		.describe('Delete the key even though subscribers still use it; those subscribers are deleted with it'),
});

export const vapidKeyDeleted = z.object({
	keyId: z.string(),
	subscribersDeleted: z.number().describe('Subscribers deleted with the key (only with force=true)'),
});
