import { decodeBase64Url, encodeBase64Url } from '../push/base64url';
import { validateSubscriptionKeys } from '../push/request';
import { type PushService, pushServiceOf } from '../sending/push-hosts';
import { CsvError, parseCsv } from './csv';

/** A row of an import, checked: ready to be stored. */
export interface ImportRow {
	/** 1-based position in the request (CSV: the line after the header is row 1). */
	row: number;
	endpoint: string;
	p256dh: string;
	auth: string;
	pushService: PushService;
	externalUserId: string | null;
	createdAt: number | null;
}

/** A row refused, with why. */
export interface InvalidRow {
	row: number;
	reason: string;
}

/** A row as given, before it is checked: any of the shapes an import accepts. */
type RawRow = Record<string, unknown>;

/** The CSV columns an import reads, by their lower-case header. */
const CSV_COLUMNS: Record<string, string> = {
	endpoint: 'endpoint',
	p256dh: 'p256dh',
	auth: 'auth',
	externaluserid: 'externalUserId',
	external_user_id: 'externalUserId',
	createdat: 'createdAt',
	created_at: 'createdAt',
};

/**
 * The rows of a CSV import as objects keyed by column. Throws a CsvError naming the problem when the text has no
 * header with endpoint, p256dh and auth, or cannot be read.
 */
export function csvRows(text: string): RawRow[] {
	const [header, ...lines] = parseCsv(text.replace(/^\uFEFF/, ''));
	const names = (header?.fields ?? []).map((name) => CSV_COLUMNS[name.trim().toLowerCase()] ?? null);
	const missing = ['endpoint', 'p256dh', 'auth'].filter((n) => !names.includes(n));
	if (missing.length > 0)
		throw new CsvError(
			`the header line must name the columns endpoint, p256dh and auth (missing: ${missing.join(', ')})`,
		);
	return lines.map(({ fields }) => {
		const row: RawRow = {};
		names.forEach((name, i) => {
			if (name !== null && fields[i] !== undefined && fields[i] !== '') row[name] = fields[i]?.trim();
		});
		return row;
	});
}

/** A key as the push code stores it (base64url without padding), from base64url or standard base64. */
function canonicalKey(value: string): string {
	return encodeBase64Url(decodeBase64Url(value.trim().replace(/=+$/, '')));
}

/** A creation time given as an ISO date or epoch milliseconds, or a reason it cannot be read. */
function createdAtOf(value: unknown, now: number): number | null | string {
	if (value === undefined || value === null || value === '') return null;
	const ms =
		typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))
			? Number(value)
			: typeof value === 'string'
				? Date.parse(value)
				: Number.NaN;
	if (!Number.isFinite(ms) || ms < 0 || ms > now + 86_400_000)
		return 'createdAt must be an ISO date or epoch milliseconds, not in the future';
	return ms;
}

/**
 * Checks one row: an endpoint of a known push service (https; loopback only when allowed), a 65-byte P-256
 * p256dh and a 16-byte auth (`keys.p256dh`/`keys.auth` or flat), an optional external user id and creation time.
 * Returns the row ready to store, or why it is refused.
 */
export async function checkRow(
	raw: unknown,
	row: number,
	allowLoopback: boolean,
	now: number,
): Promise<ImportRow | InvalidRow> {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
		return { row, reason: 'must be an object with endpoint, p256dh and auth' };
	const r = raw as RawRow;
	const keys = (typeof r.keys === 'object' && r.keys !== null ? r.keys : r) as RawRow;
	const { endpoint } = r;
	if (typeof endpoint !== 'string' || endpoint === '') return { row, reason: 'endpoint is required' };
	const url = endpoint.length <= 2048 ? URL.parse(endpoint) : null;
	if (!url) return { row, reason: 'endpoint must be an absolute URL of at most 2048 characters' };
	const pushService = pushServiceOf(url, allowLoopback);
	if (!pushService)
		return {
			row,
			reason: 'endpoint must be an https URL of a known push service (FCM, Mozilla, Apple, Windows)',
		};
	if (typeof keys.p256dh !== 'string' || keys.p256dh === '') return { row, reason: 'p256dh is required' };
	if (typeof keys.auth !== 'string' || keys.auth === '') return { row, reason: 'auth is required' };
	let p256dh: string;
	let auth: string;
	try {
		p256dh = canonicalKey(keys.p256dh);
		auth = canonicalKey(keys.auth);
	} catch {
		return { row, reason: 'p256dh and auth must be base64url (or base64)' };
	}
	const problem = await validateSubscriptionKeys(p256dh, auth);
	if (problem) return { row, reason: problem };
	const user = r.externalUserId;
	if (user !== undefined && user !== null && (typeof user !== 'string' || user.length > 255))
		return { row, reason: 'externalUserId must be a string of at most 255 characters' };
	const createdAt = createdAtOf(r.createdAt, now);
	if (typeof createdAt === 'string') return { row, reason: createdAt };
	return {
		row,
		endpoint,
		p256dh,
		auth,
		pushService,
		externalUserId: typeof user === 'string' && user.trim() !== '' ? user.trim() : null,
		createdAt,
	};
}

export { CsvError };
