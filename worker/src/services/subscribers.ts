import type { SubscriberPage, SubscriberView } from '#wire';
import type { Env } from '../env';
import { subscriberNotFound } from '../http/errors';
import { siteStore } from '../objects/site-store';
import type { SubscriberFilter } from '../store/subscribers';
import { resolveAudience, unwrap } from './segments';

// The subscriber service: what the admin API and the console read and erase.

/** Encodes the keyset position of a subscriber page (opaque to callers). */
const encodeCursor = (rowid: number) => `r${rowid.toString(36)}`;

/** Decodes a cursor from {@link encodeCursor}; null when it is not one. */
export function decodeCursor(cursor: string): number | null {
	if (!/^r[0-9a-z]{1,11}$/.test(cursor)) return null;
	const n = Number.parseInt(cursor.slice(1), 36);
	return Number.isSafeInteger(n) ? n : null;
}

/** A page of a site's subscribers, newest first. */
export async function subscriberPage(
	env: Env,
	siteId: string,
	filter: SubscriberFilter,
	before: number | null,
	limit: number,
): Promise<SubscriberPage> {
	const page = unwrap(
		await siteStore(env, siteId).searchSubscribers(siteId, filter, before, limit, filter.audience ?? null),
	);
	return { subscribers: page.rows, nextCursor: page.next === null ? null : encodeCursor(page.next) };
}

/** One subscriber, or a 404. */
export async function subscriber(env: Env, siteId: string, id: string): Promise<SubscriberView> {
	const view = await siteStore(env, siteId).subscriber(siteId, id);
	if (!view) throw subscriberNotFound(id);
	return view;
}

/**
 * Erases a subscriber (GDPR): the row, its push subscription and everything kept about it. `unsubscribe` when the
 * browser itself asked (records `unsubscribed` on its user, see {@link SiteStore.deleteSubscriber}).
 */
export async function eraseSubscriber(
	env: Env,
	siteId: string,
	id: string,
	unsubscribe = false,
): Promise<void> {
	if (!(await siteStore(env, siteId).deleteSubscriber(siteId, id, unsubscribe))) throw subscriberNotFound(id);
}

const CSV_COLUMNS: Array<keyof SubscriberView> = [
	'subscriberId',
	'status',
	'browser',
	'os',
	'pushService',
	'categories',
	'externalUserId',
	'timezone',
	'locale',
	'lastUrl',
	'lastSeenAt',
	'createdAt',
	'test',
];

/** A CSV field: quoted when needed, and a leading =, +, - or @ defused so spreadsheets never run it as a formula. */
function csvField(value: unknown): string {
	let text =
		value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Every subscriber matching a filter as CSV, streamed page by page (1,000 rows per store call). A segment or
 * filter is checked before the first byte, so a bad one is a 400, not a broken download.
 */
export async function subscribersCsv(
	env: Env,
	siteId: string,
	filter: SubscriberFilter,
): Promise<ReadableStream<Uint8Array>> {
	if (filter.audience) await resolveAudience(env, siteId, filter.audience, '');
	const encoder = new TextEncoder();
	let before: number | null = null;
	let started = false;
	let done = false;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (!started) {
				started = true;
				controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(',')}\r\n`));
				return;
			}
			if (done) {
				controller.close();
				return;
			}
			const page = unwrap(
				await siteStore(env, siteId).searchSubscribers(siteId, filter, before, 1000, filter.audience ?? null),
			);
			const lines = page.rows.map((row) => `${CSV_COLUMNS.map((c) => csvField(row[c])).join(',')}\r\n`);
			if (lines.length) controller.enqueue(encoder.encode(lines.join('')));
			before = page.next;
			if (before === null) done = true;
		},
	});
}
