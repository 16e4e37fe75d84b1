import fc from 'fast-check';
import { fieldsObject, maybe, nastyString } from './values';

// Body generators shared by the site admin routes and the Shopify admin API (which forwards to them).

/** Category ids a fuzzed site offers (so category choices can succeed). */
export const CATEGORIES = ['sale', 'news'];

/** URLs of any kind, valid or not. */
export const anyUrl = fc.oneof(
	fc.webUrl({ withQueryParameters: true, withFragments: true }),
	nastyString,
	fc.constantFrom('https://shop.example/icon.png', 'ftp://shop.example/x'),
);

/** A page of `origin`. */
export const pageOf = (origin: string) => fc.webPath().map((p) => `${origin}/${p.replace(/^\//, '')}`);

/** Field names a send's 400 may name. */
export const SEND_FIELDS = [
	'title',
	'body',
	'url',
	'icon',
	'image',
	'badge',
	'actions',
	'requireInteraction',
	'tag',
	'ttl',
	'urgency',
	'topic',
	'audience',
	'idempotencyKey',
	'Idempotency-Key',
	'onlyIfAway',
];

/** Send bodies for a site: with every field plausible or wrong, and fully valid ones. */
export function sendBodies(origin: string, subscriberIds: string[]) {
	const ids = fc.array(fc.oneof(fc.constantFrom(...subscriberIds), nastyString), { maxLength: 5 });
	const audience = fc.oneof(
		fc.constant({ all: true }),
		fieldsObject({
			all: maybe(fc.constant(true)),
			subscriberIds: maybe(ids),
			userIds: maybe(ids),
			categories: maybe(fc.array(fc.constantFrom(...CATEGORIES, 'nope'), { maxLength: 3 })),
		}),
	);
	const page = fc.oneof(pageOf(origin), anyUrl);
	const action = fieldsObject({
		action: maybe(fc.string({ minLength: 1, maxLength: 40 })),
		title: maybe(fc.string({ minLength: 1, maxLength: 70 })),
		url: maybe(page),
	});
	const fields = fieldsObject({
		title: maybe(fc.string({ minLength: 1, maxLength: 220 })),
		body: maybe(fc.string({ maxLength: 1100 })),
		url: maybe(page),
		icon: maybe(anyUrl),
		image: maybe(anyUrl),
		badge: maybe(anyUrl),
		actions: maybe(fc.array(action, { maxLength: 3 })),
		requireInteraction: maybe(fc.boolean()),
		ttl: maybe(fc.integer({ min: -1, max: 2_500_000 })),
		urgency: maybe(fc.constantFrom('very-low', 'low', 'normal', 'high', 'urgent')),
		topic: maybe(fc.constantFrom('sale', 'a b', 'x'.repeat(33), 'é')),
		tag: maybe(fc.string({ maxLength: 70 })),
		audience: maybe(audience),
		idempotencyKey: maybe(fc.string({ maxLength: 140 })),
		onlyIfAway: maybe(
			fc.oneof(
				fc.boolean(),
				fc.record({ minutes: fc.integer({ min: -1, max: 1500 }) }),
				fc.constantFrom('yes', 5, { seconds: 60 }),
			),
		),
	});
	const valid = fc.record(
		{
			title: fc.string({ minLength: 1, maxLength: 100 }).filter((t) => t.trim() !== ''),
			body: fc.string({ maxLength: 300 }),
			url: pageOf(origin),
			icon: fc.webUrl(),
			actions: fc.array(
				fc.record(
					{
						action: fc.constantFrom('shop', 'later'),
						title: fc.constantFrom('Shop', 'Later'),
						url: fc.webUrl(),
					},
					{ requiredKeys: ['action', 'title'] },
				),
				{ maxLength: 2 },
			),
			requireInteraction: fc.boolean(),
			ttl: fc.integer({ min: 0, max: 2_419_200 }),
			urgency: fc.constantFrom('very-low', 'low', 'normal', 'high'),
			topic: fc.constantFrom('sale', 'restock_1'),
			tag: fc.constantFrom('sale', 't'),
			audience: fc.oneof(
				fc.constant({ all: true }),
				fc.constant({ subscriberIds: subscriberIds.slice(0, 1) }),
				fc.constant({ userIds: ['user-1'] }),
				fc.constant({ categories: ['sale'] }),
			),
			idempotencyKey: fc.uuid(),
		},
		{ requiredKeys: ['title', 'audience'] },
	);
	return { fields, valid };
}

const texts = fc.dictionary(
	fc.constantFrom('title', 'text', 'subscribe', 'later', 'iosHint', 'nope'),
	maybe(fc.string({ maxLength: 320 })),
	{ maxKeys: 3 },
);

/** Prompt settings with the real field names, each plausible or wrong. */
export const promptFields = fieldsObject({
	variant: maybe(fc.constantFrom('simple', 'categories')),
	texts: maybe(texts),
	translations: maybe(fc.dictionary(fc.constantFrom('de', 'pt-BR', 'EN', 'x', '__proto__'), maybe(texts))),
	image: maybe(fc.constantFrom('https://shop.example/a.png', 'http://shop.example/a.png', null, '')),
	categories: maybe(
		fc.array(
			fieldsObject({
				id: maybe(fc.constantFrom('sale', 'news', 'Bad Id', '-x')),
				label: maybe(fc.string({ maxLength: 70 })),
				translations: maybe(fc.dictionary(fc.constantFrom('de', 'EN', 'x!'), maybe(fc.string()))),
			}),
			{ maxLength: 14 },
		),
	),
	trigger: maybe(
		fieldsObject({
			type: maybe(fc.constantFrom('seconds', 'pageviews', 'scroll', 'manual', 'never')),
			value: maybe(fc.integer({ min: -5, max: 5000 })),
		}),
	),
	laterDays: maybe(fc.integer({ min: -1, max: 400 })),
	bell: maybe(
		fieldsObject({
			enabled: maybe(fc.boolean()),
			position: maybe(fc.constantFrom('bottom-right', 'bottom-left', 'top')),
		}),
	),
	theme: maybe(
		fieldsObject({
			accent: maybe(fc.constantFrom('#fff', '#1d4ed8', '#12345g', 'red')),
			background: maybe(fc.constantFrom('#ffffff', 'blue')),
			text: maybe(fc.constantFrom('#000', '#0000000000')),
			radius: maybe(fc.integer({ min: -1, max: 40 })),
		}),
	),
	dir: maybe(fc.constantFrom('auto', 'ltr', 'rtl', 'up')),
});

/** Prompt settings that pass validation. */
export const validPrompt = fc.record(
	{
		variant: fc.constant('simple'),
		texts: fc.record({ title: fc.constantFrom('Hi', 'Hallo') }),
		translations: fc.record({ de: fc.record({ title: fc.constant('Hallo') }) }),
		image: fc.constantFrom('https://shop.example/a.png', null),
		categories: fc.constant(CATEGORIES.map((id) => ({ id, label: id, translations: { de: id } }))),
		trigger: fc.record({
			type: fc.constantFrom('seconds', 'pageviews', 'scroll'),
			value: fc.integer({ min: 1, max: 30 }),
		}),
		laterDays: fc.integer({ min: 1, max: 365 }),
		bell: fc.record({ enabled: fc.boolean(), position: fc.constantFrom('bottom-right', 'bottom-left') }),
		theme: fc.record({ accent: fc.constant('#c2410c'), radius: fc.integer({ min: 0, max: 32 }) }),
		dir: fc.constantFrom('auto', 'ltr', 'rtl'),
	},
	{ requiredKeys: [] },
);
