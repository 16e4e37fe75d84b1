import { env } from 'cloudflare:workers';
import { appTables, tableRowCounts } from '../helpers';

/** Tables whose rows change after the response on purpose (a dispatcher's progress lands later). */
const ASYNC_TABLES = new Set(['notifications']);

/** The test-only table {@link DbWatch}'s triggers add a row to for every row written elsewhere. */
const WRITES_TABLE = 'fuzz_writes';

/** Row counts of every app table, {@link WRITES_TABLE} included, from one query (tableRowCounts). */
export type DbSnapshot = Record<string, number>;

/**
 * Watches D1 for writes: the row count of every app table, plus test-only triggers that log each row inserted,
 * updated or deleted (but in ASYNC_TABLES) to WRITES_TABLE, so that an in-place update changes a count too.
 */
export class DbWatch {
	private tables: string[] = [];

	async snapshot(): Promise<DbSnapshot> {
		if (this.tables.length === 0) await this.install();
		return tableRowCounts(this.tables);
	}

	/** What differs between two snapshots, one line per table (empty when nothing was written). */
	changes(before: DbSnapshot, after: DbSnapshot): string[] {
		return this.tables
			.filter((t) => before[t] !== after[t])
			.map((t) =>
				t === WRITES_TABLE
					? `${(after[t] ?? 0) - (before[t] ?? 0)} row(s) written`
					: `${t}: ${before[t]} → ${after[t]} rows`,
			);
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
	}
}
