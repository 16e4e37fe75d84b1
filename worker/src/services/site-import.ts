import { parse } from '../api/parse';
import { createSiteRequest } from '../api/schemas/sites';
import { config, type Env } from '../env';
import { HttpError } from '../http/errors';
import { readLines } from '../http/ndjson';
import { openSecret, sealSecret } from '../lib/secrets';
import { siteStore } from '../objects/site-store';
import { importVapidPrivateKey, VapidError, type VapidKeys } from '../push/vapid';
import { isReminderMinutes, MAX_REMINDER_MINUTES, staffSettingsOf } from '../settings/staff';
import { checkStoreRecord, isStoreRecord, type StoreRecord } from '../store/site-export';
import { deleteSite, type Site, type SiteSettings } from '../store/sites';
import { extraKeyContext, insertExtraVapidKey } from '../store/vapid-keys';
import { EXPORT_FORMAT, EXPORT_VERSION } from './site-export';
import { createSite, normaliseOrigins, requireMasterKey } from './sites';

// An export (services/site-export.ts) read back as a new site: line by line, checked as it goes, the store's rows
// written in batches. Anything wrong takes the new site back, so a bad file leaves nothing behind.

/**
 * Largest import (NDJSON, after gunzip) and longest line, in bytes. The platform caps the request body itself (100 MB
 * on Cloudflare's Free and Pro plans): a larger export goes gzipped.
 */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;
export const MAX_LINE_BYTES = 256 * 1024;
/** Records, and bytes of them, per store write (an RPC message stays well under its 32 MiB limit). */
const BATCH = 500;
const BATCH_BYTES = 4 * 1024 * 1024;
/** Daily growth rows an import carries at most (a store keeps 400 days). */
const MAX_DAILY = 1000;

/** A 400 naming the line at fault. */
export function lineError(line: number, message: string, code = 'invalid_import'): HttpError {
	return new HttpError(400, code, `line ${line}: ${message}`);
}

/** What the import was asked to do besides the file. */
export interface ImportOptions {
	/** Import a sealed-only export anyway, under a new key pair: its subscribers cannot be sent to. */
	withoutKeys: boolean;
}

/** The new site, its secrets, and how many records of each type it took. */
export interface ImportResult {
	site: Site;
	apiKey: string;
	identitySecret: string;
	warnings: Array<{ code: string; message: string }>;
	imported: Record<string, number>;
}

/** Parses one line as a JSON object with a string `type`. */
function record(text: string, line: number): StoreRecord {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw lineError(line, 'is not valid JSON');
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		throw lineError(line, 'must be a JSON object');
	if (typeof (value as { type?: unknown }).type !== 'string')
		throw lineError(line, 'type: is required (a string)');
	return value as StoreRecord;
}

/** The header's site fields, checked as site creation checks them. */
function headerSite(header: StoreRecord) {
	if (header.type !== EXPORT_FORMAT) throw lineError(1, `must be the header, {"type":"${EXPORT_FORMAT}",…}`);
	if (header.version !== EXPORT_VERSION)
		throw lineError(1, `version: this deployment reads version ${EXPORT_VERSION} exports`);
	const site = header.site as Record<string, unknown> | undefined;
	if (typeof site !== 'object' || site === null || Array.isArray(site))
		throw lineError(1, 'site: is required');
	const settings = site.settings ?? {};
	if (typeof settings !== 'object' || settings === null || Array.isArray(settings))
		throw lineError(1, 'site.settings: must be an object');
	const staff = (settings as { staff?: unknown }).staff;
	if (
		staff !== undefined &&
		!isReminderMinutes((staff as { reminderMinutes?: unknown } | null)?.reminderMinutes)
	) {
		throw lineError(
			1,
			`site.settings.staff.reminderMinutes: must be a whole number from 1 to ${MAX_REMINDER_MINUTES}`,
		);
	}
	const secret = site.identitySecret;
	if (secret !== undefined && (typeof secret !== 'string' || secret.length < 16 || secret.length > 200))
		throw lineError(1, 'site.identitySecret: must be a string of 16 to 200 characters');
	try {
		const fields = parse(createSiteRequest, {
			name: site.name,
			platform: site.platform,
			origins: site.origins,
			homeUrl: site.homeUrl,
			iconUrl: site.iconUrl ?? undefined,
		});
		return {
			input: { ...fields, platform: fields.platform ?? 'custom', origins: normaliseOrigins(fields.origins) },
			settings: settings as SiteSettings,
			identitySecret: site.identitySecret as string | undefined,
		};
	} catch (error) {
		if (error instanceof HttpError) throw lineError(1, `site.${error.message}`);
		throw error;
	}
}

/** The key pair of a `vapid_key` line: in clear, or sealed by this deployment; null when it cannot be had. */
async function keyPair(env: Env, line: StoreRecord, at: number): Promise<VapidKeys | null> {
	const { publicKey, privateKey, sealed, sealedFor } = line;
	if (typeof publicKey !== 'string') throw lineError(at, 'publicKey: is required');
	let clear: string | null = typeof privateKey === 'string' ? privateKey : null;
	if (clear === null && typeof sealed === 'string' && typeof sealedFor === 'string') {
		// The same deployment (same MASTER_KEY) opens its own sealed keys: a move between two of its sites.
		clear = await openSecret(config(env).masterKey, sealed, sealedFor).catch(() => null);
	}
	if (clear === null) return null;
	try {
		await importVapidPrivateKey(publicKey, clear);
	} catch (error) {
		if (error instanceof VapidError) throw lineError(at, error.message);
		throw error;
	}
	return { publicKey, privateKey: clear };
}

/**
 * Reads an export and makes a new site of it: header (line 1), VAPID key pair (line 2), the store's records, the
 * trailer `{type:"end", counts}`, whose counts must match what was read (a cut-off file is refused).
 */
export async function importSite(
	env: Env,
	body: ReadableStream<Uint8Array>,
	options: ImportOptions,
): Promise<ImportResult> {
	requireMasterKey(env);
	const lines = readLines(body, { maxLine: MAX_LINE_BYTES, maxTotal: MAX_IMPORT_BYTES });
	const first = await lines.next();
	if (first.done) throw lineError(1, 'the body is empty; send an export (NDJSON)');
	const header = headerSite(record(first.value.text, 1));
	const second = await lines.next();
	const keyLine = second.done ? null : record(second.value.text, 2);
	if (keyLine?.type !== 'vapid_key')
		throw lineError(2, 'must be the site\'s VAPID key ({"type":"vapid_key",…})');
	if (keyLine.current !== true)
		throw lineError(2, 'current: this deployment imports one key pair, the current one');
	const keys = await keyPair(env, keyLine, 2);
	if (keys === null && !options.withoutKeys) {
		throw lineError(
			2,
			'the VAPID private key is sealed by another deployment: export with ?keys=clear, or import with ' +
				'?withoutKeys=true to get a new key pair (the imported subscribers then cannot be sent to)',
			'vapid_key_sealed',
		);
	}

	const made = await createSite(
		env,
		header.input,
		{ withApiKey: true },
		{
			...(keys ? { keys } : {}),
			...(header.identitySecret ? { identitySecret: header.identitySecret } : {}),
			settings: header.settings,
		},
	);
	const siteId = made.site.id;
	const store = siteStore(env, siteId);
	try {
		const counts: Record<string, number> = { vapid_key: 1 };
		let droppedKeys = 0;
		const daily: Array<{ day: string; added: number; removed: number }> = [];
		let batchBytes = 0;
		let batch: Array<{ type: string; row: Record<string, SqlStorageValue>; line: number }> = [];
		const flush = async () => {
			if (batch.length === 0) return;
			const result = await store.importRecords(siteId, batch);
			if (!result.ok) throw lineError(batch[result.index]?.line ?? 0, result.message);
			batch = [];
			batchBytes = 0;
		};
		let trailer: { counts: unknown; line: number } | null = null;
		let last = 2;
		for (let next = await lines.next(); !next.done; next = await lines.next()) {
			const at = next.value.line;
			last = at;
			const value = record(next.value.text, at);
			if (trailer) throw lineError(at, 'nothing may follow the trailer ({"type":"end"})');
			if (value.type === 'end') {
				trailer = { counts: value.counts, line: at };
				continue;
			}
			if (value.type === 'vapid_key') {
				if (value.current === true) throw lineError(at, 'current: only the key on line 2 is the current one');
				const extra = await keyPair(env, value, at);
				if (extra === null) {
					if (!options.withoutKeys) {
						throw lineError(
							at,
							'this imported VAPID private key is sealed by another deployment: export with ?keys=clear',
							'vapid_key_sealed',
						);
					}
					droppedKeys++;
				} else {
					const keyId = extra.publicKey.slice(0, 16);
					if (typeof value.keyId === 'string' && value.keyId !== keyId)
						throw lineError(at, 'keyId: must be the first 16 characters of publicKey');
					const created = typeof value.createdAt === 'string' ? Date.parse(value.createdAt) : Number.NaN;
					await insertExtraVapidKey(
						env.DB,
						siteId,
						{
							keyId,
							publicKey: extra.publicKey,
							label: typeof value.label === 'string' ? value.label.slice(0, 100) : 'Imported',
							createdAt: Number.isNaN(created) ? Date.now() : created,
						},
						await sealSecret(config(env).masterKey, extra.privateKey, extraKeyContext(siteId, keyId)),
					);
				}
				counts.vapid_key = (counts.vapid_key ?? 0) + 1;
				continue;
			}
			if (!isStoreRecord(value.type))
				throw lineError(at, `type: unknown record type ${JSON.stringify(value.type)}`);
			const checked = checkStoreRecord(value);
			if ('problem' in checked) throw lineError(at, checked.problem);
			counts[value.type] = (counts[value.type] ?? 0) + 1;
			if (value.type === 'daily') {
				if (daily.length >= MAX_DAILY) throw lineError(at, `at most ${MAX_DAILY} daily records`);
				daily.push(checked.row as { day: string; added: number; removed: number });
				continue;
			}
			batch.push({ type: value.type, row: checked.row as Record<string, SqlStorageValue>, line: at });
			batchBytes += next.value.text.length;
			if (batch.length >= BATCH || batchBytes >= BATCH_BYTES) await flush();
		}
		await flush();
		if (!trailer)
			throw lineError(
				last + 1,
				'the trailer {"type":"end",…} is missing: the file was cut short',
				'import_truncated',
			);
		checkCounts(trailer.counts, counts, trailer.line);
		const retention = (header.settings.events as { retentionDays?: unknown } | undefined)?.retentionDays;
		const reminder =
			header.settings.staff === undefined ? null : staffSettingsOf(header.settings).reminderMinutes;
		await store.finishImport(siteId, daily, typeof retention === 'number' ? retention : null, reminder);
		return {
			site: made.site,
			apiKey: made.apiKey as string,
			identitySecret: made.identitySecret,
			warnings: [
				...(droppedKeys > 0
					? [
							{
								code: 'vapid_key_dropped',
								message: `${droppedKeys} imported key pair(s) had no usable private key: the subscribers made with them cannot be sent to until their browsers subscribe again`,
							},
						]
					: []),
				...(keys
					? made.warnings
					: [
							...made.warnings,
							{
								code: 'vapid_key_replaced',
								message:
									'The export had no usable private key: the site has a new key pair, and its imported subscribers cannot be sent to until their browsers subscribe again',
							},
						]),
			],
			imported: counts,
		};
	} catch (error) {
		await store.purge(siteId).catch(() => undefined);
		await deleteSite(env.DB, siteId);
		throw error;
	}
}

/** The trailer's counts must be what was read: a file cut at a line boundary would otherwise import as whole. */
function checkCounts(declared: unknown, read: Record<string, number>, line: number): void {
	if (typeof declared !== 'object' || declared === null) throw lineError(line, 'counts: is required');
	const want = declared as Record<string, unknown>;
	for (const type of new Set([...Object.keys(want), ...Object.keys(read)])) {
		const n = want[type] ?? 0;
		if (n !== (read[type] ?? 0)) {
			throw lineError(
				line,
				`counts.${type}: the trailer says ${String(n)} records, the file holds ${read[type] ?? 0}`,
			);
		}
	}
}
