import { build } from 'esbuild';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
const script = (await build({ entryPoints: ['bench/crypto/scratch-worker.ts'], bundle: true, format: 'esm', write: false, platform: 'neutral' })).outputFiles[0].text;
const mf = new Miniflare(convertV4MiniflareOptions({ modules: true, script, compatibilityDate: '2026-11-01' }));
const base = await mf.ready;
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const call = async (op, n) => { const t = process.hrtime.bigint(); const r = await fetch(`${base}?op=${op}&n=${n}`); const j = await r.json(); if (j.n !== n) throw new Error(op); return Number(process.hrtime.bigint() - t) / 1000; };
const ops = process.argv.slice(2);
const N = 1500;
const per = Object.fromEntries(ops.map((o) => [o, []]));
for (const op of ops) await call(op, 300);
for (let r = 0; r < 11; r++) for (const op of ops) { const z = med([await call(op, 0), await call(op, 0), await call(op, 0)]); per[op].push((await call(op, N) - z) / N); }
for (const op of ops) console.log(op.padEnd(12), med(per[op]).toFixed(2), 'µs', 'min', Math.min(...per[op]).toFixed(2));
await mf.dispose();
