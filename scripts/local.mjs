// Runs the Beckon worker locally in workerd (wrangler dev: local D1, Durable Objects and Queues, no account)
// and makes sure a demo site exists. Used by `npm start`, the end-to-end tests and the benchmarks.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAssets } from './build.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const wrangler = join(root, 'node_modules/.bin/wrangler');
export const DEMO_SITE_NAME = 'Beckon demo store';

/** Writes KEY=value lines, creating a secrets file with fresh random secrets when it does not exist yet. */
export async function ensureSecrets(file) {
	if (!existsSync(file)) {
		const token = randomBytes(24).toString('base64url');
		const master = randomBytes(32).toString('base64url');
		await mkdir(dirname(file), { recursive: true });
		await writeFile(
			file,
			`# Local secrets made by npm start; never commit.\nADMIN_TOKEN=${token}\nMASTER_KEY=${master}\n`,
			{
				mode: 0o600,
			},
		);
	}
	const vars = {};
	for (const line of (await readFile(file, 'utf8')).split('\n')) {
		const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
		if (m) vars[m[1]] = m[2];
	}
	return vars;
}

/** Environment for wrangler that keeps it from calling out (no metrics, no Request.cf download, no update check). */
function offline() {
	return {
		...process.env,
		WRANGLER_SEND_METRICS: 'false',
		CLOUDFLARE_CF_FETCH_ENABLED: 'false',
		WRANGLER_HIDE_BANNER: 'true',
	};
}

async function waitForHttp(url, child, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
		try {
			const r = await fetch(url);
			await r.arrayBuffer();
			return;
		} catch {
			await new Promise((r) => setTimeout(r, 200));
		}
	}
	throw new Error(`worker did not answer on ${url} within ${timeoutMs} ms`);
}

/**
 * Starts the worker. Options: port, stateDir (persistence), secretsFile, vars (extra bindings), log (stream for
 * wrangler's output). Returns { url, adminToken, demo: { siteId, apiKey }, stop() }.
 */
export async function startLocal(options = {}) {
	const port = options.port ?? 8787;
	const stateDir = resolve(options.stateDir ?? join(root, '.beckon/state'));
	const secretsFile = options.secretsFile ?? join(root, '.dev.vars');
	const secrets = await ensureSecrets(secretsFile);
	if (!options.skipBuild) await buildAssets();

	const migrate = spawnSync(
		wrangler,
		['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', stateDir],
		{
			cwd: root,
			encoding: 'utf8',
			env: { ...offline(), CI: 'true' },
		},
	);
	if (migrate.status !== 0) throw new Error(`D1 migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);

	const vars = { DEMO: 'true', ALLOW_LOOPBACK_PUSH: 'true', ...options.vars };
	const args = [
		'dev',
		'--ip',
		'127.0.0.1',
		'--port',
		String(port),
		'--persist-to',
		stateDir,
		'--env-file',
		secretsFile,
	];
	args.push('--show-interactive-dev-session=false', '--log-level', options.logLevel ?? 'warn');
	for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
	const child = spawn(wrangler, args, {
		cwd: root,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: offline(),
		detached: process.platform !== 'win32',
	});
	const tail = [];
	const keep = (chunk) => {
		tail.push(chunk.toString());
		if (tail.length > 50) tail.shift();
		options.log?.write(chunk);
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	const url = `http://127.0.0.1:${port}`;
	const stop = () =>
		new Promise((done) => {
			if (child.exitCode !== null) return done();
			child.once('exit', () => done());
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				child.kill('SIGTERM');
			}
			setTimeout(() => {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {}
			}, 5000).unref();
		});
	try {
		await waitForHttp(`${url}/v1/health`, child, options.timeoutMs ?? 60_000);
	} catch (error) {
		const exited = child.exitCode !== null;
		await stop();
		const failed = new Error(`${error.message}\n--- wrangler output ---\n${tail.join('')}`);
		// Exited before answering: most often a port (its own, or the inspector's) taken since it was chosen, by
		// another test file's server. A caller may try again on a fresh port.
		if (exited) failed.code = 'BECKON_EXITED_EARLY';
		throw failed;
	}
	// The port was free when chosen, but another server may have taken it first: then health answers, yet our
	// admin token is refused. Say so plainly, so that a caller can try another port.
	const mine = await fetch(`${url}/v1/sites`, {
		headers: { authorization: `Bearer ${secrets.ADMIN_TOKEN}` },
	});
	await mine.arrayBuffer();
	if (!mine.ok || child.exitCode !== null) {
		await stop();
		const error = new Error(`port ${port} is answered by another server (${mine.status}), not this worker`);
		error.code = 'BECKON_PORT_TAKEN';
		throw error;
	}
	const demo = await ensureDemoSite(url, secrets.ADMIN_TOKEN, stateDir, port);
	return { url, adminToken: secrets.ADMIN_TOKEN, demo, stop, pid: child.pid };
}

/** Creates the demo store's site on first run (its API key is kept in the state folder, for local use only). */
async function ensureDemoSite(url, adminToken, stateDir, port) {
	const file = join(stateDir, `demo-site-${port}.json`);
	if (existsSync(file)) {
		const saved = JSON.parse(await readFile(file, 'utf8'));
		const check = await fetch(`${url}/v1/sites/${saved.siteId}`, {
			headers: { authorization: `Bearer ${saved.apiKey}` },
		});
		if (check.ok) return saved;
	}
	const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
	const response = await fetch(`${url}/v1/sites`, {
		method: 'POST',
		headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ name: DEMO_SITE_NAME, origins, platform: 'custom' }),
	});
	if (response.status !== 201)
		throw new Error(`could not create the demo site: ${response.status} ${await response.text()}`);
	const site = await response.json();
	const saved = { siteId: site.siteId, apiKey: site.apiKey };
	await mkdir(stateDir, { recursive: true });
	await writeFile(file, JSON.stringify(saved), { mode: 0o600 });
	return saved;
}
