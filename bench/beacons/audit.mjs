// Rows written during the burst, counted by triggers added to the bench's own local databases while the worker is
// stopped: one counter per table and operation in D1, and one per operation on the `meta` table of the
// notification's Dispatcher (its SQLite file under the state folder), where each tracked-count commit upserts the
// `state` row.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { AUDIT_TABLE, auditTrigger } from '../campaign/common.mjs';

export { installD1Audit, readD1Audit } from '../campaign/common.mjs';

async function sqlite() {
	const emit = process.emitWarning;
	process.emitWarning = (w, ...rest) =>
		String(w).includes('SQLite') ? undefined : emit.call(process, w, ...rest);
	const { DatabaseSync } = await import('node:sqlite');
	process.emitWarning = emit;
	return DatabaseSync;
}

/** The SQLite files of the Dispatcher objects in a state folder. */
function dispatcherFiles(stateDir) {
	const dir = join(stateDir, 'v3/do');
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((d) => d.includes('Dispatcher'))
		.flatMap((ns) =>
			readdirSync(join(dir, ns))
				.filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')
				.map((f) => join(dir, ns, f)),
		);
}

/** Adds counters on the Dispatcher's `meta` table (the worker must be stopped); returns how many objects. */
export async function installDispatcherAudit(stateDir) {
	const DatabaseSync = await sqlite();
	const files = dispatcherFiles(stateDir);
	for (const file of files) {
		const db = new DatabaseSync(file);
		try {
			db.exec(
				AUDIT_TABLE +
					auditTrigger('bench_audit', 'meta_insert', 'meta', 'INSERT') +
					auditTrigger('bench_audit', 'meta_update', 'meta', 'UPDATE'),
			);
		} finally {
			db.close();
		}
	}
	return files.length;
}

/** { 'meta INSERT': n, 'meta UPDATE': n } summed over the Dispatchers (read-only; safe while the worker runs). */
export async function readDispatcherAudit(stateDir) {
	const DatabaseSync = await sqlite();
	const out = {};
	for (const file of dispatcherFiles(stateDir)) {
		const db = new DatabaseSync(file, { readOnly: true });
		try {
			for (const r of db.prepare('SELECT tbl, op, n FROM bench_audit').all())
				out[`${r.tbl} ${r.op}`] = (out[`${r.tbl} ${r.op}`] ?? 0) + r.n;
		} finally {
			db.close();
		}
	}
	return out;
}
