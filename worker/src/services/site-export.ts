import { config, type Env } from '../env';
import { HttpError } from '../http/errors';
import { openSecret } from '../lib/secrets';
import { siteStore } from '../objects/site-store';
import { EXPORT_TABLES, type ExportCursor } from '../store/site-export';
import { findSealedIdentitySecret, findSealedVapidKey, type Site } from '../store/sites';
import { findSealedVapidKeyById, listExtraVapidKeys } from '../store/vapid-keys';
import { identityContext } from './sites';

// A whole site as NDJSON (README "Moving a site"): a header line, the site's VAPID key pairs, one line per row of
// its store, a trailer with the counts. Streamed page by page, so a site of any size costs the same memory.

/** The `type` of the first line, and the format version this worker writes and reads. */
export const EXPORT_FORMAT = 'beckon-export';
export const EXPORT_VERSION = 1;

/** Rows per store call while exporting. */
const PAGE = 1000;

/** How private secrets are written: `sealed` (as stored, opens only with this deployment's MASTER_KEY) or `clear`. */
export type KeyMode = 'sealed' | 'clear';

/** The header line: the site's own fields (and, with clear keys, its identity secret). */
async function headerLine(env: Env, site: Site, keys: KeyMode): Promise<Record<string, unknown>> {
	const identity: Record<string, string> = {};
	if (keys === 'clear') {
		const sealed = await findSealedIdentitySecret(env.DB, site.id);
		if (sealed)
			identity.identitySecret = await openSecret(config(env).masterKey, sealed, identityContext(site.id));
	}
	return {
		type: EXPORT_FORMAT,
		version: EXPORT_VERSION,
		exportedAt: new Date().toISOString(),
		keys,
		site: {
			siteId: site.id,
			name: site.name,
			platform: site.platform,
			origins: site.origins,
			homeUrl: site.homeUrl,
			iconUrl: site.iconUrl,
			settings: site.settings,
			createdAt: site.createdAt,
			...identity,
		},
	};
}

/**
 * The site's VAPID key pairs, current first, then those imported from another tool: the private key in clear (base64url `d`) with `clear`,
 * else sealed as stored, which only this deployment can open.
 */
async function vapidKeyLines(env: Env, site: Site, keys: KeyMode): Promise<Array<Record<string, unknown>>> {
	const stored = await findSealedVapidKey(env.DB, site.id);
	if (!stored) throw new HttpError(404, 'site_not_found', `No site with id ${site.id}`);
	const line: Record<string, unknown> = {
		type: 'vapid_key',
		keyId: stored.keyId,
		publicKey: stored.publicKey,
		current: true,
	};
	if (keys === 'clear') {
		line.privateKey = await openSecret(config(env).masterKey, stored.sealed, site.id);
	} else {
		line.sealed = stored.sealed;
		line.sealedFor = site.id;
		line.note =
			"The private key is sealed with this deployment's MASTER_KEY; export with ?keys=clear to move it elsewhere";
	}
	const lines = [line];
	// Key pairs imported from another push tool, for the subscribers not yet moved to the current key.
	for (const extra of await listExtraVapidKeys(env.DB, site.id)) {
		const sealed = await findSealedVapidKeyById(env.DB, site.id, extra.keyId);
		if (!sealed) continue;
		const other: Record<string, unknown> = {
			type: 'vapid_key',
			keyId: extra.keyId,
			publicKey: extra.publicKey,
			current: false,
			label: extra.label,
			createdAt: new Date(extra.createdAt).toISOString(),
		};
		if (keys === 'clear')
			other.privateKey = await openSecret(config(env).masterKey, sealed.sealed, sealed.context);
		else {
			other.sealed = sealed.sealed;
			other.sealedFor = sealed.context;
		}
		lines.push(other);
	}
	return lines;
}

/**
 * The NDJSON export of a site. The header and keys are read before the first byte (a problem is an error
 * response, not a broken download); the store's tables follow a page at a time as the reader pulls.
 */
export async function siteExport(env: Env, site: Site, keys: KeyMode): Promise<ReadableStream<Uint8Array>> {
	const encoder = new TextEncoder();
	const line = (value: unknown) => encoder.encode(`${JSON.stringify(value)}\n`);
	const head = [await headerLine(env, site, keys), ...(await vapidKeyLines(env, site, keys))];
	const counts: Record<string, number> = { vapid_key: head.length - 1 };
	const store = siteStore(env, site.id);
	let table = 0;
	let after: ExportCursor | null = null;
	let started = false;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (!started) {
				started = true;
				controller.enqueue(encoder.encode(head.map((h) => `${JSON.stringify(h)}\n`).join('')));
				return;
			}
			// An empty table adds nothing: go on to the next, as a pull that enqueues nothing is not called again.
			for (;;) {
				const spec = EXPORT_TABLES[table];
				if (!spec) {
					controller.enqueue(line({ type: 'end', counts }));
					controller.close();
					return;
				}
				const page = await store.exportPage(site.id, spec.type, after, PAGE);
				counts[spec.type] = (counts[spec.type] ?? 0) + page.count;
				after = page.next;
				if (after === null) table++;
				if (page.count > 0) {
					controller.enqueue(encoder.encode(page.ndjson));
					return;
				}
			}
		},
	});
}
