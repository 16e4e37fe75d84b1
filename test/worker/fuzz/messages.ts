import fc from 'fast-check';
import { MAX_ACTIONS } from '../../../worker/src/wire/browsers';
import { fieldsObject, nastyString, rarely, wrongValue } from './values';

// Message fields (title, body, URLs, buttons, …) for the fuzz properties of routes that take a whole message: push
// resources, automation steps. `origin` is the attacked site's, so that some URLs are its own.

/**
 * Mostly `good`, sometimes a wrong type or shape (values.ts's `maybe` is wrong two times in five; message fields
 * come nine at a time, so that would leave almost no message whole enough to reach the later checks).
 */
export const mostly = <T>(good: fc.Arbitrary<T>) =>
	fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: wrongValue });

/** Titles: plain, good and bad Liquid, at and past the length limit, blank, random. */
export const title = fc.oneof(
	fc.constantFrom(
		'Hi {{ user.first_name | default: "there" }}',
		'Sale',
		'{{ x | nope }}',
		'{% if',
		'Hallo {{ user.name',
		'{{ subscriber.id }}',
		'ü'.repeat(200),
		'x'.repeat(201),
		'',
		'  ',
	),
	fc.string({ maxLength: 30 }),
	nastyString,
);

/** Bodies: as titles, plus ones that fit the push limit only alone, that pass it, or the length limit. */
export const body = fc.oneof(title, fc.constantFrom('ü'.repeat(860), 'ü'.repeat(1000), 'x'.repeat(1001)));

/** Click URLs: the site's, other sites', templated, bad templates, other schemes, relative, too long, junk. */
export const messageUrl = (origin: string) =>
	fc.oneof(
		fc.webUrl(),
		fc.constantFrom(
			`${origin}/sale`,
			'https://shop.example/{{ subscriber.id }}',
			'https://shop.example/{% if',
			'{{ user.landing_page }}',
			'javascript:alert(1)',
			'/relative',
			'ftp://shop.example/x',
			'',
			`https://shop.example/${'a'.repeat(1100)}`,
		),
		nastyString,
	);

/** Icon, image and badge URLs: https, http, the site's, data URLs, blank, junk. */
export const imageUrl = (origin: string) =>
	fc.oneof(
		fc.constantFrom(
			'https://cdn.example/i.png',
			'http://cdn.example/i.png',
			`${origin}/i.png`,
			`${origin.replace('https:', 'http:')}/i.png`,
			'data:image/png;base64,AAAA',
			'',
		),
		fc.webUrl(),
		nastyString,
	);

/** Buttons, up to two past the limit. */
export const actions = (origin: string, url = messageUrl(origin)) =>
	fc.array(
		fieldsObject({
			action: mostly(fc.constantFrom('shop', 'later', '', 'x'.repeat(70))),
			title: mostly(title),
			url: mostly(url),
		}),
		{ maxLength: MAX_ACTIONS + 2 },
	);

/**
 * Message fields by their real names, each present or not, plausible or wrong, sometimes with a field that is not
 * a message field (one a send takes, one a resource takes, a misspelling). `model` replaces or adds fields.
 */
export const messageFields = (origin: string, model: Record<string, fc.Arbitrary<unknown>> = {}) =>
	fc
		.tuple(
			fieldsObject({
				title: mostly(title),
				body: mostly(body),
				url: mostly(messageUrl(origin)),
				icon: mostly(imageUrl(origin)),
				image: mostly(imageUrl(origin)),
				badge: mostly(imageUrl(origin)),
				actions: mostly(actions(origin)),
				requireInteraction: mostly(fc.boolean()),
				tag: mostly(fc.string({ maxLength: 70 })),
				...model,
			}),
			rarely(fc.constantFrom('colour', 'ttl', 'audience', 'resource', 'locales', 'Title'), 6),
			wrongValue,
		)
		.map(([fields, unknown, value]) => (unknown === null ? fields : { ...fields, [unknown]: value }));

/** Messages that pass (so some cases save, and mutated ones reach the checks after the schema's). */
export const validMessage = (origin: string) =>
	fc.record(
		{
			title: fc.constantFrom('Hello {{ user.first_name | default: "you" }}', 'Sale'),
			body: fc.string({ maxLength: 100 }),
			url: fc.constantFrom(`${origin}/sale`, 'https://shop.example/p/{{ subscriber.id }}'),
			icon: fc.constant('https://cdn.example/i.png'),
			actions: fc.constant([{ action: 'shop', title: 'Shop' }]),
			requireInteraction: fc.boolean(),
			tag: fc.constant('sale'),
		},
		{ requiredKeys: ['title'] },
	);
