// Calls to the local worker and its CPU, shared by the benches that drive the API (audience, automations).
import { readFileSync } from 'node:fs';
import { processTree, roleOf } from './common.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

/** One API call: status, parsed JSON (or null), text and wall milliseconds. */
export async function api(base, path, { token, method = 'GET', body } = {}) {
	const t = now();
	const r = await fetch(`${base}${path}`, {
		method,
		headers: {
			...(token ? { authorization: `Bearer ${token}` } : {}),
			...(body ? { 'content-type': 'application/json' } : {}),
		},
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await r.text();
	let json = null;
	try {
		json = JSON.parse(text);
	} catch {}
	return { status: r.status, json, text, ms: now() - t };
}

/** CPU milliseconds of each workerd role under a stack's process. */
export function workerdCpu(pid) {
	const out = {};
	for (const p of processTree(pid)) {
		const role = roleOf(p);
		out[role] = (out[role] ?? 0) + p.cpuMs;
	}
	return out;
}
export const workerPidOf = (stack) =>
	processTree(stack.pid).find((p) => roleOf(p) === 'workerd (worker)')?.pid;
export const workerCpuMs = (stack) => workerdCpu(stack.pid)['workerd (worker)'] ?? 0;

export /** CPU of the worker's workerd per second when idle and per GET /v1/health (the local plumbing of one request). */
async function baseline(stack, base) {
	let c0 = workerCpuMs(stack);
	let t0 = now();
	await sleep(3000);
	const idleMsPerS = ((workerCpuMs(stack) - c0) * 1000) / (now() - t0);
	for (let i = 0; i < 50; i++) await fetch(`${base}/v1/health`).then((r) => r.text());
	const n = 300;
	c0 = workerCpuMs(stack);
	t0 = now();
	for (let i = 0; i < n; i++) await fetch(`${base}/v1/health`).then((r) => r.text());
	const wall = now() - t0;
	const healthMs = Math.max(0, (workerCpuMs(stack) - c0 - (idleMsPerS * wall) / 1000) / n);
	return { idleMsPerS, healthMs };
}

/**
 * Runs `calls` (an array of request bodies) one after the other against `path`; returns wall time, latencies and
 * the worker's CPU net of the idle rate and the health baseline per call.
 */
export async function measureCalls(stack, base, token, path, bodies, base0, method = 'POST') {
	const c0 = workerCpuMs(stack);
	const t0 = now();
	const latencies = [];
	const answers = [];
	for (const body of bodies) {
		const r = await api(base, path, { token, method, body });
		if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
		latencies.push(r.ms);
		answers.push(r.json);
	}
	const wall = now() - t0;
	const cpu = workerCpuMs(stack) - c0;
	const net = cpu - (base0.idleMsPerS * wall) / 1000 - base0.healthMs * bodies.length;
	return { calls: bodies.length, wallMs: wall, cpuMs: cpu, netCpuMs: net, latencies, answers };
}

/** The 1, 5 and 15 minute load averages (the machine is shared). */
export const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
