import type * as z from 'zod';
import {
	type importReport,
	type importRequest,
	MAX_IMPORT_ROWS,
	MAX_REPORTED_INVALID,
	type vapidKeyView,
} from '../api/schemas/vapid-keys';
import { config, type Env } from '../env';
import { badRequest, HttpError } from '../http/errors';
import { checkKeyPair } from '../import/key-pair';
import { CsvError, checkRow, csvRows, type ImportRow, type InvalidRow } from '../import/rows';
import { newId } from '../lib/ids';
import { sealSecret } from '../lib/secrets';
import { siteStore } from '../objects/site-store';
import type { Site } from '../store/sites';
import { endpointHash } from '../store/subscribers';
import {
	deleteExtraVapidKey,
	extraKeyContext,
	insertExtraVapidKey,
	listExtraVapidKeys,
} from '../store/vapid-keys';
import { requireMasterKey } from './sites';

type ImportInput = z.output<typeof importRequest>;
type ImportReport = z.output<typeof importReport>;
type VapidKeyView = z.output<typeof vapidKeyView>;

/** The rows of an import, from `subscriptions` or `csv` (exactly one of them). */
function rawRows(input: ImportInput): unknown[] {
	if ((input.subscriptions === undefined) === (input.csv === undefined))
		throw badRequest(
			'subscriptions',
			'give the rows either as subscriptions (JSON) or as csv (text), not both',
		);
	if (input.subscriptions) return input.subscriptions;
	let rows: unknown[];
	try {
		rows = csvRows(input.csv as string);
	} catch (error) {
		if (error instanceof CsvError) throw badRequest('csv', error.message);
		throw error;
	}
	if (rows.length > MAX_IMPORT_ROWS)
		throw badRequest('csv', `must hold at most ${MAX_IMPORT_ROWS} rows; split the file (got ${rows.length})`);
	return rows;
}

/**
 * Imports subscriptions made with another tool's VAPID key pair: the pair is checked (it must sign and verify)
 * and kept, sealed, as one of the site's keys unless it is the site's current one; each row is checked and the
 * valid ones added in one write to the site's store, those already there counted as duplicates. Nothing is
 * written when the key pair is refused or no row is valid. Never returns or logs keys or endpoints.
 */
export async function importSubscribers(env: Env, site: Site, input: ImportInput): Promise<ImportReport> {
	const pair = await checkKeyPair(input.vapidPublicKey, input.vapidPrivateKey);
	if ('field' in pair) throw badRequest(pair.field, pair.message);
	const raw = rawRows(input);
	const now = Date.now();
	const allowLoopback = config(env).allowLoopbackPush;
	const checked = await Promise.all(raw.map((r, i) => checkRow(r, i + 1, allowLoopback, now)));
	const valid = checked.filter((r): r is ImportRow => 'endpoint' in r);
	const invalid = checked.filter((r): r is InvalidRow => 'reason' in r);
	const current = pair.publicKey === site.vapidPublicKey;
	const keyId = current ? site.vapidKeyId : pair.publicKey.slice(0, 16);
	const report = {
		keyId,
		imported: 0,
		duplicate: 0,
		invalid: invalid.slice(0, MAX_REPORTED_INVALID),
		invalidCount: invalid.length,
	};
	if (valid.length === 0) return report;
	if (!current) {
		const masterKey = requireMasterKey(env);
		await insertExtraVapidKey(
			env.DB,
			site.id,
			{
				keyId,
				publicKey: pair.publicKey,
				label: input.label ?? `Imported ${new Date(now).toISOString().slice(0, 10)}`,
				createdAt: now,
			},
			await sealSecret(masterKey, pair.privateKey, extraKeyContext(site.id, keyId)),
		);
	}
	const hashes = await Promise.all(valid.map((r) => endpointHash(r.endpoint)));
	const stored = valid.map((r, i) => ({ ...r, hash: hashes[i] as number, id: newId('sub') }));
	const result = await siteStore(env, site.id).importSubscribers(site.id, stored, keyId, now);
	return { ...report, ...result };
}

/** A site's VAPID keys, its current one first, each with how many subscribers were made with it. */
export async function vapidKeys(env: Env, site: Site): Promise<VapidKeyView[]> {
	const [extras, counts] = await Promise.all([
		listExtraVapidKeys(env.DB, site.id),
		siteStore(env, site.id).subscribersByKey(site.id),
	]);
	const count = (keyId: string | null) => counts.find((c) => c.keyId === keyId)?.subscribers ?? 0;
	return [
		{
			keyId: site.vapidKeyId,
			publicKey: site.vapidPublicKey,
			label: 'Current',
			current: true,
			// Rows without a key id were made before ids were kept: with the current key.
			subscribers: count(site.vapidKeyId) + count(null),
			createdAt: new Date(site.createdAt).toISOString(),
		},
		...extras.map((k) => ({
			keyId: k.keyId,
			publicKey: k.publicKey,
			label: k.label,
			current: false,
			subscribers: count(k.keyId),
			createdAt: new Date(k.createdAt).toISOString(),
		})),
	];
}

/**
 * Deletes one of a site's imported keys. The current key cannot be deleted (409); a key some subscribers still
 * use needs `force` (409 saying how many otherwise), and then those subscribers are deleted with it (they could
 * no longer be sent to). Returns how many subscribers went.
 */
export async function deleteVapidKey(env: Env, site: Site, keyId: string, force: boolean): Promise<number> {
	if (keyId === site.vapidKeyId)
		throw new HttpError(409, 'vapid_key_current', "The site's current VAPID key cannot be deleted");
	const known = (await listExtraVapidKeys(env.DB, site.id)).some((k) => k.keyId === keyId);
	if (!known) throw new HttpError(404, 'vapid_key_not_found', `No VAPID key ${keyId} on this site`);
	const store = siteStore(env, site.id);
	const using = (await store.subscribersByKey(site.id)).find((c) => c.keyId === keyId)?.subscribers ?? 0;
	if (using > 0 && !force)
		throw new HttpError(
			409,
			'vapid_key_in_use',
			`${using} subscriber(s) still use VAPID key ${keyId}; the widget moves each browser to the current key on its next visit. Add ?force=true to delete the key and those subscribers now`,
		);
	// Subscribers first: a retry after a failure in between finds the key still there.
	const removed = using > 0 ? await store.deleteSubscribersOfKey(site.id, keyId) : 0;
	await deleteExtraVapidKey(env.DB, site.id, keyId);
	return removed;
}
