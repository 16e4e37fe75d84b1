import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../worker/src/api/openapi';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'beckon-openapi-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the OpenAPI document', () => {
	it('passes redocly lint with the recommended rules (redocly.yaml)', () => {
		const file = join(dir, 'openapi.json');
		writeFileSync(file, JSON.stringify(openApiDocument(), null, 2));
		const lint = spawnSync(join(root, 'node_modules/.bin/redocly'), ['lint', file], {
			cwd: root,
			encoding: 'utf8',
			env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
			timeout: 60_000,
		});
		expect(lint.status, `redocly lint failed:\n${lint.stdout}\n${lint.stderr}`).toBe(0);
	});
});
