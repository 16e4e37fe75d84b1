/** One step of a Durable Object's SQLite schema, applied once, in order of `version`. */
export interface Migration {
	version: number;
	name: string;
	/** SQL run in one transaction with the version record; may hold several statements. */
	up: string;
}

/**
 * Brings a Durable Object's SQLite storage up to the newest of `migrations` and returns the version it is at.
 * Each step runs in its own transaction together with its `_schema` row, so an object stopped mid-way resumes
 * at the first step it has not finished. Objects made before versioning have no `_schema` table: the first
 * migration must therefore be written to be harmless on their tables (`IF NOT EXISTS`).
 * @throws {Error} when the storage is newer than this code (a rollback), rather than writing to a schema it
 *   does not know
 */
export function migrate(storage: DurableObjectStorage, migrations: readonly Migration[]): number {
	const sql = storage.sql;
	sql.exec(`CREATE TABLE IF NOT EXISTS _schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
		applied_at INTEGER NOT NULL)`);
	let current = sql.exec<{ v: number | null }>('SELECT max(version) AS v FROM _schema').one().v ?? 0;
	const newest = migrations.at(-1)?.version ?? 0;
	if (current > newest) {
		throw new Error(`storage schema v${current} is newer than this code's v${newest}; deploy the newer code`);
	}
	for (const m of migrations) {
		if (m.version <= current) continue;
		storage.transactionSync(() => {
			sql.exec(m.up);
			sql.exec(
				'INSERT INTO _schema (version, name, applied_at) VALUES (?, ?, ?)',
				m.version,
				m.name,
				Date.now(),
			);
		});
		current = m.version;
	}
	return current;
}
