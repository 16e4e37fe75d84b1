import { describe, expect, it } from 'vitest';
import { validateVapidSubject } from '../../../worker/src/push/vapid';
import { chooseVapidSubject, FALLBACK_VAPID_SUBJECT } from '../../../worker/src/sending/subject';
import { call, json, makeSubscription, send, sinkLog, subscribe, waitDone } from '../helpers';

describe('chooseVapidSubject', () => {
	it("takes the operator's VAPID_SUBJECT when push services accept it, without a warning", () => {
		expect(chooseVapidSubject('mailto:ops@corp.example', 'http://localhost:8787/')).toEqual({
			subject: 'mailto:ops@corp.example',
			warning: null,
		});
	});

	it('uses an https home page quietly when VAPID_SUBJECT is not set', () => {
		expect(chooseVapidSubject(null, 'https://shop.example/en/')).toEqual({
			subject: 'https://shop.example/en/',
			warning: null,
		});
	});

	it('upgrades an http home page to its https address and says so', () => {
		const choice = chooseVapidSubject(null, 'http://shop.example/');
		expect(choice.subject).toBe('https://shop.example/');
		expect(choice.warning).toMatch(/VAPID_SUBJECT is not set/);
	});

	it('falls back to a valid contact for local and reserved hosts, and for an unusable VAPID_SUBJECT', () => {
		for (const [configured, home] of [
			[null, 'http://localhost:8787/'],
			[null, 'http://127.0.0.1:8787/'],
			[null, 'https://shop.invalid/'],
			['http://ops.example', 'http://localhost/'],
		] as const) {
			const choice = chooseVapidSubject(configured, home);
			expect(choice.subject).toBe(FALLBACK_VAPID_SUBJECT);
			expect(validateVapidSubject(choice.subject)).toBeNull();
			expect(choice.warning).toContain('VAPID_SUBJECT');
		}
		expect(chooseVapidSubject('http://ops.example', 'https://shop.example/').warning).toMatch(/unusable/);
	});

	it('never returns a subject that validateVapidSubject refuses', () => {
		for (const home of [
			'http://a.example/',
			'https://b.example/x',
			'http://[::1]:8080/',
			'http://intranet/',
			'bogus',
		]) {
			for (const configured of [null, '', 'mailto: <x>', 'mailto:a@b.example', 'ftp://x.example']) {
				expect(validateVapidSubject(chooseVapidSubject(configured || null, home).subject)).toBeNull();
			}
		}
	});
});

describe('VAPID subject of a site with an http home page', () => {
	it('is warned about at creation, and its pushes carry an https subject', async () => {
		const created = await call('/v1/sites', {
			method: 'POST',
			key: 'test-operator-token',
			body: JSON.stringify({
				name: 'Plain http shop',
				origins: ['http://plain.example'],
				homeUrl: 'http://plain.example/',
			}),
		});
		expect(created.status).toBe(201);
		const body = await json<{
			siteId: string;
			apiKey: string;
			warnings: Array<{ code: string; message: string }>;
		}>(created);
		expect(body.warnings.map((w) => w.code)).toEqual(['vapid_subject']);
		expect(body.warnings[0]?.message).toContain('https://plain.example/');

		const site = { ...body, origin: 'http://plain.example', identitySecret: '', vapidPublicKey: '' };
		const sub = await makeSubscription();
		await subscribe(site, sub);
		await waitDone(site, await send(site, {}));
		const [record] = await sinkLog(sub.json.endpoint);
		const jwt = /vapid t=([^,]+)/.exec(record?.headers.authorization ?? '')?.[1] ?? '';
		const claims = JSON.parse(atob((jwt.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as {
			sub: string;
		};
		expect(claims.sub).toBe('https://plain.example/');
	});

	it('is not warned about when the home page is https', async () => {
		const again = await call('/v1/sites', {
			method: 'POST',
			key: 'test-operator-token',
			body: JSON.stringify({ name: 'TLS shop', origins: ['https://tls.example'] }),
		});
		expect((await json<{ warnings: unknown[] }>(again)).warnings).toEqual([]);
	});
});
