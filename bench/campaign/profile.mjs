// Samples a V8 CPU profile of the user worker's isolate through wrangler dev's inspector proxy (Chrome DevTools
// protocol, served by the dev-proxy workerd; workerd's own inspector session for the worker is held by that proxy).
// Used by `run.mjs --profile DIR` to show where the campaign's CPU goes. Profiling slows the run down.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { listeningPorts } from './common.mjs';

async function targetsOf(pid) {
	for (const port of listeningPorts(pid)) {
		try {
			const r = await fetch(`http://127.0.0.1:${port}/json`, { signal: AbortSignal.timeout(1000) });
			if (!r.ok) continue;
			const list = await r.json();
			if (Array.isArray(list) && list[0]?.webSocketDebuggerUrl) return list;
		} catch {}
	}
	return [];
}

function session(url) {
	const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1024 * 1024 * 1024 });
	let id = 0;
	const pending = new Map();
	ws.on('message', (data) => {
		const msg = JSON.parse(data.toString());
		if (msg.id && pending.has(msg.id)) {
			const { resolve, reject } = pending.get(msg.id);
			pending.delete(msg.id);
			if (msg.error) reject(new Error(msg.error.message));
			else resolve(msg.result);
		}
	});
	const opened = new Promise((resolve, reject) => {
		ws.once('open', resolve);
		ws.once('error', reject);
	});
	return {
		opened,
		send: (method, params = {}) =>
			new Promise((resolve, reject) => {
				const n = ++id;
				pending.set(n, { resolve, reject });
				ws.send(JSON.stringify({ id: n, method, params }));
			}),
		close: () => ws.close(),
	};
}

/** Starts sampling through the inspector proxy served by process `pid`; returns stop(dir?) → summary per target. */
export async function startProfiling(pid, intervalUs = 250) {
	const targets = await targetsOf(pid);
	const sessions = [];
	for (const t of targets) {
		try {
			const s = session(t.webSocketDebuggerUrl);
			await s.opened;
			await s.send('Profiler.enable');
			await s.send('Profiler.setSamplingInterval', { interval: intervalUs });
			await s.send('Profiler.start');
			sessions.push({ id: t.id, s });
		} catch {}
	}
	return async function stop(dir) {
		const out = [];
		for (const { id, s } of sessions) {
			try {
				const { profile } = await s.send('Profiler.stop');
				if (dir)
					writeFileSync(
						join(dir, `${id.replaceAll(/[^A-Za-z0-9_-]/g, '_')}.cpuprofile`),
						JSON.stringify(profile),
					);
				out.push({ id, ...summarise(profile) });
			} catch {}
			s.close();
		}
		return out.sort((a, b) => b.busyMs - a.busyMs);
	};
}

/**
 * Busy time (all samples but idle) and the top functions by self time. A sample stands for the interval to the
 * next one, capped at 4 × the median interval so that a sample before an idle gap (the sampler records no idle
 * ticks while the isolate waits) does not take the gap's time.
 */
function summarise(profile) {
	const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
	const self = new Map();
	const deltas = profile.timeDeltas ?? [];
	const sorted = [...deltas].sort((a, b) => a - b);
	const cap = 4 * (sorted[sorted.length >> 1] ?? 1000);
	let busy = 0;
	for (let i = 0; i < profile.samples.length; i++) {
		const f = byNode.get(profile.samples[i]).callFrame;
		if (f.functionName === '(idle)') continue;
		const dt = Math.min(deltas[i + 1] ?? cap, cap) / 1000;
		busy += dt;
		const file = f.url ? f.url.split('/').pop() : '';
		const key = `${f.functionName || '(anonymous)'} ${file}${f.url ? `:${f.lineNumber + 1}` : ''}`.trim();
		self.set(key, (self.get(key) ?? 0) + dt);
	}
	const top = [...self.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, 15)
		.map(([fn, ms]) => ({ fn, ms }));
	return { busyMs: busy, top };
}
