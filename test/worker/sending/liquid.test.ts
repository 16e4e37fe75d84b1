import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../worker/src/http/errors';
import {
	bindEvent,
	checkTemplates,
	compileMessage,
	contextNeeds,
	isPersonalised,
	pruneContext,
	type RenderContext,
	renderMessage,
} from '../../../worker/src/sending/liquid';
import { type Message, parseSendRequest } from '../../../worker/src/sending/message';

function context(overrides: Partial<RenderContext> = {}): RenderContext {
	return {
		subscriber: {
			id: 'sub_0000000000000000001',
			browser: 'Firefox',
			os: 'Linux',
			locale: 'en-GB',
			timezone: 'Europe/London',
			last_url: 'https://shop.example/shoes',
			categories: ['news', 'sale'],
		},
		user: { id: 'u1', first_name: 'Ada', orders: 3, vip: true, joined: '2024-03-01T00:00:00.000Z' },
		...overrides,
	};
}

function rendered(message: Message, ctx: RenderContext = context()): Message {
	const result = renderMessage(compileMessage(message), ctx);
	if (!result.ok) throw new Error(`render failed: ${result.reason}`);
	return result.message;
}

function checkError(message: Message): HttpError {
	try {
		checkTemplates(message);
	} catch (error) {
		if (error instanceof HttpError) return error;
		throw error;
	}
	throw new Error('checkTemplates accepted the message');
}

describe('isPersonalised', () => {
	it('is true for Liquid in any templated field and false for plain text', () => {
		expect(isPersonalised({ title: 'Sale', body: '50% off' })).toBe(false);
		expect(isPersonalised({ title: 'Hi {{ user.first_name }}', body: '' })).toBe(true);
		expect(
			isPersonalised({ title: 'Sale', body: '', actions: [{ action: 'a', title: 'Go', url: '{{ x }}' }] }),
		).toBe(true);
		expect(isPersonalised({ title: 'Sale', body: '{% if user %}x{% endif %}' })).toBe(true);
	});
});

describe('checkTemplates', () => {
	it('names the field, the problem and its line and column when a template does not parse', () => {
		const title = checkError({ title: 'Hi {{ user.first_name', body: '' });
		expect(title.status).toBe(400);
		expect(title.message).toMatch(/^title: .*not closed.* \(line 1, column 4\)$/);

		const body = checkError({ title: 'Hi', body: 'one\ntwo {% if user %}x' });
		expect(body.message).toMatch(/^body: .*if.* \(line 2, column 5\)$/);

		const action = checkError({
			title: 'Hi',
			body: '',
			actions: [
				{ action: 'a', title: 'A', url: 'https://shop.example/' },
				{ action: 'b', title: 'B', url: 'https://shop.example/{{ user.id' },
			],
		});
		expect(action.message).toMatch(/^actions\[1\]\.url: .* \(line 1, column 22\)$/);
	});

	it('refuses an unknown filter when the send is made, not when it is sent', () => {
		const error = checkError({ title: 'Hi {{ user.first_name | shout }}', body: '' });
		expect(error.status).toBe(400);
		expect(error.message).toBe('title: undefined filter: shout (line 1, column 4)');
	});

	it('refuses the include, render and layout tags: there are no other templates to read', () => {
		for (const tag of ['include', 'render', 'layout']) {
			const error = checkError({ title: 'Hi', body: `x {% ${tag} "secrets" %}` });
			expect(error.message).toBe(
				`body: the ${tag} tag is not available in push messages (there are no other templates) (line 1, column 3)`,
			);
		}
	});

	it('accepts well-formed templates', () => {
		expect(() =>
			checkTemplates({
				title: 'Hi {{ user.first_name | default: "there" }}',
				body: '{% for c in subscriber.categories %}{{ c | upcase }} {% endfor %}',
				url: '{{ subscriber.last_url }}',
			}),
		).not.toThrow();
	});
});

describe('parseSendRequest with Liquid', () => {
	const origins = ['https://shop.example'];

	it('keeps a templated URL as written (the URL schema would refuse or percent-encode it)', () => {
		const { message } = parseSendRequest(
			{
				title: 'Hi {{ user.first_name }}',
				url: 'https://shop.example/p/{{ event.sku }}?n={{ user.first_name }}',
				actions: [{ action: 'back', title: 'Back', url: '{{ subscriber.last_url }}' }],
				audience: { all: true },
			},
			origins,
		);
		expect(message.url).toBe('https://shop.example/p/{{ event.sku }}?n={{ user.first_name }}');
		expect(message.actions?.[0]?.url).toBe('{{ subscriber.last_url }}');
	});

	it('is a 400 naming the field when a template does not parse', () => {
		const send = (body: Record<string, unknown>) => () =>
			parseSendRequest({ audience: { all: true }, title: 'Hi', ...body }, origins);
		expect(send({ title: 'Hi {{ user.first_name | nope }}' })).toThrow(/^title: undefined filter: nope/);
		expect(
			send({
				actions: [
					{ action: 'a', title: 'A' },
					{ action: 'b', title: 'B', url: '{{ x' },
				],
			}),
		).toThrow(/^actions\[1\]\.url: /);
		expect(send({ url: 'javascript:alert(1)' })).toThrow(/^url: must be an http\(s\) URL/);
	});
});

describe('templated images', () => {
	it('takes Liquid in icon and image, renders them per event, and leaves out what is no usable URL', () => {
		const { message } = parseSendRequest(
			{
				title: '{{ event.title }}',
				image: '{{ event.image }}',
				icon: '{{ event.icon }}',
				audience: { all: true },
			},
			['http://blog.test'],
		);
		expect(message).toMatchObject({ image: '{{ event.image }}', icon: '{{ event.icon }}' });
		const bind = (event: Record<string, string>) =>
			bindEvent(message, { title: 'Post', ...event }, ['http://blog.test']);
		expect(bind({ image: 'https://cdn.test/a.jpg', icon: 'http://blog.test/i.png' })).toEqual({
			title: 'Post',
			body: '',
			image: 'https://cdn.test/a.jpg',
			icon: 'http://blog.test/i.png',
		});
		// Blank, plain http of another host, or no URL at all: dropped, and the push still goes.
		expect(bind({ image: '', icon: 'http://elsewhere.test/i.png' })).toEqual({ title: 'Post', body: '' });
		expect(bind({ image: 'not a url', icon: 'javascript:alert(1)' })).toEqual({ title: 'Post', body: '' });
		// Per recipient (no site origins in the context): https only.
		const per = rendered(
			{ title: 'x', body: '', image: '{{ user.photo }}' },
			context({ user: { id: 'u', photo: 'http://blog.test/p.jpg' } }),
		);
		expect(per).not.toHaveProperty('image');
		expect(() =>
			parseSendRequest({ title: 'x', image: '{{ event.image', audience: { all: true } }, []),
		).toThrow(/^image: /);
	});
});

describe('renderMessage', () => {
	it('falls back to the default when a value is missing or blank, and renders unknown variables empty', () => {
		const message = { title: 'Hi {{ user.first_name | default: "there" }}', body: '[{{ user.nothing }}]' };
		expect(rendered(message).title).toBe('Hi Ada');
		expect(rendered(message, context({ user: null })).title).toBe('Hi there');
		expect(rendered(message, context({ user: { id: 'u2', first_name: '' } })).title).toBe('Hi there');
		expect(rendered(message).body).toBe('[]');
	});

	it('reads the user, the subscriber and the event', () => {
		const message = {
			title: '{{ user.first_name }}: {{ event.product }} x{{ event.quantity | plus: 1 }}',
			body: '{{ subscriber.browser }}/{{ subscriber.os }} {{ subscriber.categories | join: "," }} {{ user.joined | date: "%Y" }}',
			url: '{{ subscriber.last_url }}?ref=push',
		};
		const out = rendered(message, context({ event: { product: 'Boots', quantity: 2 } }));
		expect(out).toEqual({
			title: 'Ada: Boots x3',
			body: 'Firefox/Linux news,sale 2024',
			url: 'https://shop.example/shoes?ref=push',
		});
	});

	it('does not reach through prototypes', () => {
		expect(rendered({ title: 'x{{ user.constructor }}{{ user.__proto__ }}y', body: '' }).title).toBe('xy');
	});

	it('passes HTML and JSON special characters through as text (the payload is JSON, not HTML)', () => {
		const ctx = context({ user: { id: 'u1', first_name: 'Tom & "Jerry" <b>\\' } });
		const out = rendered({ title: 'Fish & chips for {{ user.first_name }}', body: '' }, ctx);
		expect(out.title).toBe('Fish & chips for Tom & "Jerry" <b>\\');
		expect(JSON.parse(JSON.stringify(out)).title).toBe(out.title);
	});

	it('renders button labels and links, and drops a link that renders blank', () => {
		const out = rendered({
			title: 'Hi',
			body: '',
			actions: [
				{ action: 'see', title: 'See {{ event.product | default: "it" }}', url: '{{ user.profile_url }}' },
				{ action: 'back', title: 'Back', url: '{{ subscriber.last_url }}' },
			],
		});
		expect(out.actions).toEqual([
			{ action: 'see', title: 'See it' },
			{ action: 'back', title: 'Back', url: 'https://shop.example/shoes' },
		]);
	});

	it('leaves out the URL when it renders blank, so the click opens the last page', () => {
		const out = rendered({ title: 'Hi', body: '', url: '{{ user.landing }}' });
		expect(out).not.toHaveProperty('url');
	});

	it('fails a recipient whose URL renders to something that is not an http(s) URL', () => {
		const compiled = compileMessage({ title: 'Hi', body: '', url: '{{ user.link }}' });
		const bad = (link: string) => renderMessage(compiled, context({ user: { id: 'u1', link } }));
		expect(bad('javascript:alert(1)')).toEqual({ ok: false, reason: 'render_failed' });
		expect(bad('/relative/page')).toEqual({ ok: false, reason: 'render_failed' });
		expect(bad('https://shop.example/ok')).toMatchObject({
			ok: true,
			message: { url: 'https://shop.example/ok' },
		});
		const action = compileMessage({
			title: 'Hi',
			body: '',
			actions: [{ action: 'a', title: 'A', url: '{{ user.link }}' }],
		});
		expect(renderMessage(action, context({ user: { id: 'u1', link: 'data:text/html,x' } }))).toEqual({
			ok: false,
			reason: 'render_failed',
		});
	});

	it('fails a recipient whose title renders blank', () => {
		const compiled = compileMessage({ title: '{{ user.first_name }} ', body: 'x' });
		expect(renderMessage(compiled, context({ user: null }))).toEqual({ ok: false, reason: 'render_failed' });
		expect(renderMessage(compiled, context())).toMatchObject({ ok: true, message: { title: 'Ada' } });
	});

	it('fails only the recipient whose rendered message is over the push size limit', () => {
		const compiled = compileMessage({ title: 'Hi', body: '{{ user.bio }} {{ user.bio }}' });
		const long = renderMessage(compiled, context({ user: { id: 'u1', bio: 'b'.repeat(2000) } }));
		expect(long).toEqual({ ok: false, reason: 'payload_too_large' });
		const short = renderMessage(compiled, context({ user: { id: 'u2', bio: 'short' } }));
		expect(short).toMatchObject({ ok: true, message: { body: 'short short' } });
	});

	// The test's timeout is the clock: a Worker's clock does not move while it computes.
	it('stops a template that would loop for ever, quickly', () => {
		const huge = compileMessage({ title: 'x', body: '{% for i in (1..100000000) %}{{ i }}{% endfor %}' });
		expect(renderMessage(huge, context())).toEqual({ ok: false, reason: 'render_failed' });
		// Nested loops over a short list allocate nothing the memory count sees: the step count stops them.
		const open = '{% for a in subscriber.categories %}'.repeat(8);
		const nested = compileMessage({ title: 'x', body: `${open}x${'{% endfor %}'.repeat(8)}` });
		const wide = context();
		wide.subscriber.categories = Array.from({ length: 12 }, (_, i) => `c${i}`);
		expect(renderMessage(nested, wide)).toEqual({ ok: false, reason: 'render_failed' });
	}, 3_000);

	it('renders the same compiled message differently per recipient', () => {
		const compiled = compileMessage({ title: 'Hi {{ user.first_name | default: "there" }}', body: '' });
		const a = renderMessage(compiled, context());
		const b = renderMessage(compiled, context({ user: { id: 'u9', first_name: 'Grace' } }));
		expect([a, b].map((r) => (r.ok ? r.message.title : r.reason))).toEqual(['Hi Ada', 'Hi Grace']);
	});
});

describe('the context a personalised send ships per recipient', () => {
	const message = (title: string, extra: Partial<Message> = {}): Message => ({ title, body: 'b', ...extra });

	it('keeps only what the templates read, and renders the same as with the whole context', () => {
		const m = message('Hi {{ user.first_name | default: "there" }}', {
			body: 'Back to {{ subscriber.last_url }} ({{ subscriber.categories | size }})',
			url: 'https://shop.example/{{ user.orders }}',
		});
		const pruned = pruneContext(context(), contextNeeds(m));
		expect(pruned).toEqual({
			subscriber: {
				id: 'sub_0000000000000000001',
				last_url: 'https://shop.example/shoes',
				categories: ['news', 'sale'],
			},
			user: { id: 'u1', first_name: 'Ada', orders: 3 },
		});
		expect(rendered(m, pruned)).toEqual(rendered(m, context()));
		// Anonymous stays null; a message without Liquid needs nothing but the id.
		expect(pruneContext(context({ user: null }), contextNeeds(m)).user).toBeNull();
		expect(pruneContext(context(), contextNeeds(message('Plain')))).toEqual({
			subscriber: { id: 'sub_0000000000000000001' },
			user: { id: 'u1' },
		});
	});

	it('keeps a root whole when a template uses it whole or with a computed key', () => {
		for (const title of [
			'{% if user %}Hi{% endif %}',
			'{% for pair in user %}{{ pair[0] }}{% endfor %}',
			'{% assign u = user %}{{ u.first_name }}',
			'{% assign k = "vip" %}{{ user[k] }}',
		]) {
			const pruned = pruneContext(context(), contextNeeds(message(title)));
			expect(pruned.user, title).toEqual(context().user);
			expect(rendered(message(title), pruned), title).toEqual(rendered(message(title), context()));
		}
	});
});
