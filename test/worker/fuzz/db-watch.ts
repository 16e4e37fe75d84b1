import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { SiteStore } from '../../../worker/src/objects/site-store';
import { appTables, STORE_DATA_TABLES, storeOf, tableRowCounts } from '../helpers';

/** Tables whose rows change after the response on purpose (a dispatcher's progress lands later). */
const ASYNC_TABLES = new Set(['notifications']);

/** The test-only table {@link DbWatch}'s triggers add a row to for every row written elsewhere. */
const WRITES_TABLE = 'fuzz_writes';

/** Row counts of every app table, {@link WRITES_TABLE} included, and of every watched store's tables. */
export type DbSnapshot = Record<string, number>;

/** Sites whose stores every {@link DbWatch} watches too (the fixture sites, see {@link watchSiteStores}). */
const watchedSites = new Set<string>();

/**
 * Adds sites whose stores (SiteStore Durable Objects, where per-site data lives) every {@link DbWatch} watches
 * besides D1: call it with the fixture sites a fuzz file attacks.
 */
export function watchSiteStores(...siteIds: string[]): void {
	for (const id of siteIds) watchedSites.add(id);
}

/** A snapshot key of a store's table. */
const storeKey = (siteId: string, table: string) => `store ${siteId} ${table}`;

/**
 * Makes sure the store has {@link WRITES_TABLE} and the triggers logging each row inserted, updated or deleted in
 * its data tables (but ASYNC_TABLES) to it, then returns the row count of each data table and of WRITES_TABLE.
 * Run at every snapshot, since a shop redaction (a legitimate 200) wipes the store, triggers included.
 */
function watchInside(sql: SqlStorage): Record<string, number> {
	const statements = [`CREATE TABLE IF NOT EXISTS ${WRITES_TABLE} (at_table TEXT NOT NULL)`];
	for (const table of STORE_DATA_TABLES) {
		if (ASYNC_TABLES.has(table)) continue;
		for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
			statements.push(
				`CREATE TRIGGER IF NOT EXISTS "fuzz_${table}_${event}" AFTER ${event} ON "${table}"
				BEGIN INSERT INTO ${WRITES_TABLE} VALUES ('${table}'); END`,
			);
		}
	}
	sql.exec(statements.join(';\n'));
	const tables = [...STORE_DATA_TABLES, WRITES_TABLE];
	const columns = tables.map((t, i) => `(SELECT count(*) FROM "${t}") AS c${i}`).join(', ');
	const row = sql.exec<Record<string, number>>(`SELECT ${columns}`).one();
	return Object.fromEntries(tables.map((t, i) => [t, row[`c${i}`] ?? 0]));
}

/**
 * Watches D1 and the watched sites' stores for writes: the row count of every app table and store data table,
 * plus test-only triggers that log each row inserted, updated or deleted (but in ASYNC_TABLES) to WRITES_TABLE,
 * so that an in-place update changes a count too.
 */
export class DbWatch {
	private tables: string[] = [];
	private sites: string[] = [];

	async snapshot(): Promise<DbSnapshot> {
		if (this.tables.length === 0) await this.install();
		const snapshot = await tableRowCounts(this.tables);
		for (const siteId of this.sites) {
			const stub = storeOf(siteId);
			await stub.importState(siteId);
			const counts = await runInDurableObject(stub, (_i: SiteStore, state) =>
				state.storage.transactionSync(() => watchInside(state.storage.sql)),
			);
			for (const [table, n] of Object.entries(counts)) snapshot[storeKey(siteId, table)] = n;
		}
		return snapshot;
	}

	/** What differs between two snapshots, one line per table (empty when nothing was written). */
	changes(before: DbSnapshot, after: DbSnapshot): string[] {
		const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
		return keys
			.filter((k) => before[k] !== after[k])
			.map((k) => {
				const where = k.startsWith('store ') ? `${k.split(' ').slice(0, 2).join(' ')}: ` : '';
				return k === WRITES_TABLE || k.endsWith(` ${WRITES_TABLE}`)
					? `${where}${(after[k] ?? 0) - (before[k] ?? 0)} row(s) written`
					: `${k}: ${before[k]} → ${after[k]} rows`;
			});
	}

	private async install(): Promise<void> {
		const statements = [`CREATE TABLE IF NOT EXISTS ${WRITES_TABLE} (at_table TEXT NOT NULL)`];
		for (const table of await appTables()) {
			if (table === WRITES_TABLE || ASYNC_TABLES.has(table)) continue;
			for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
				statements.push(
					`CREATE TRIGGER IF NOT EXISTS "fuzz_${table}_${event}" AFTER ${event} ON "${table}"
					BEGIN INSERT INTO ${WRITES_TABLE} VALUES ('${table}'); END`,
				);
			}
		}
		await env.DB.batch(statements.map((sql) => env.DB.prepare(sql)));
		this.tables = await appTables();
		// Opened first (as any request about the site would), so that opening a store is not counted as a write.
		this.sites = [...watchedSites];
		for (const siteId of this.sites) await storeOf(siteId).importState(siteId);
	}
}
