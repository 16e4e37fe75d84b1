import {
	Context,
	Liquid,
	LiquidError,
	Tag,
	type TagToken,
	type Template,
	type TopLevelToken,
} from 'liquidjs';
import type { Message } from '#wire';
import { badRequest } from '../http/errors';
import { MAX_PAYLOAD_BYTES, MAX_URL_LENGTH, payloadFor } from './message';

// Liquid personalisation of a message: checked when a send is made, parsed once per queue batch, rendered for
// each recipient at send time.

/** What a template may read about one recipient. */
export interface RenderContext {
	subscriber: {
		id: string;
		browser: string;
		os: string;
		locale: string | null;
		timezone: string | null;
		last_url: string | null;
		categories: string[];
	};
	/** The identified user and their attributes (dates as ISO strings), or null for an anonymous subscriber. */
	user: ({ id: string } & Record<string, string | number | boolean>) | null;
	/** The triggering event's properties, for a message an event sent. */
	event?: Record<string, string | number | boolean>;
	/** The site's own origins, whose images may be http (local development); else only https images are kept. */
	origins?: readonly string[];
}

/** A message's templates, parsed (see compileMessage). */
export interface CompiledMessage {
	readonly message: Message;
	readonly title: Template[] | null;
	readonly body: Template[] | null;
	readonly url: Template[] | null;
	readonly icon: Template[] | null;
	readonly image: Template[] | null;
	readonly actions: ReadonlyArray<{ title: Template[] | null; url: Template[] | null }>;
}

/** Why one recipient's message could not be rendered. */
export type RenderFailure = 'render_failed' | 'payload_too_large';

// Render work is bounded twice: liquidjs's memory count (ranges, string filters) and a count of rendered nodes.
// liquidjs's own renderLimit is a time budget read from performance.now(), which does not move while a Worker
// computes, so it would never trip here; counting nodes stops nested loops over short arrays, which allocate
// nothing the memory count sees.
const MEMORY_LIMIT = 100_000;
const MAX_RENDER_STEPS = 2_000;
// Fields are at most 1,024 characters (api/schemas/send.ts); this only stops a caller that skipped the schema.
const PARSE_LIMIT = 4_096;
const NID_PROBE = 'ntf_'.padEnd(24, 'x');
const URL_PROBE = 'x'.repeat(MAX_URL_LENGTH);
const TEMPLATE = /\{\{|\{%/;
/** Image fields that may hold Liquid (a post's featured image from the event): a blank or unusable one is dropped. */
const IMAGE_FIELDS = ['icon', 'image'] as const;
const encoder = new TextEncoder();

/** A tag that reads another template: a message has none to read, so using one is a mistake worth a 400. */
class NoPartials extends Tag {
	constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
		super(token, remain, liquid);
		throw new Error(`the ${token.name} tag is not available in push messages (there are no other templates)`);
	}
	render(): void {}
}

const engine = new Liquid({
	strictFilters: true,
	// Unknown variables render empty, so `{{ user.first_name | default: "there" }}` works for anonymous subscribers.
	strictVariables: false,
	ownPropertyOnly: true,
	// The push payload is JSON shown as plain text, not HTML: escaping would show "&amp;" in a title.
	outputEscape: undefined,
	parseLimit: PARSE_LIMIT,
	memoryLimit: MEMORY_LIMIT,
	// No file system: the browser build of liquidjs has none, and the partial tags are refused at parse time.
	templates: {},
});
for (const tag of ['include', 'render', 'layout']) engine.registerTag(tag, NoPartials);

/** True when any templated field (title, body, url, action titles and URLs) holds Liquid. */
export function isPersonalised(message: Message): boolean {
	return templatedFields(message).some(([, text]) => TEMPLATE.test(text));
}

/** Parses every templated field; throws a 400 naming the field, what is wrong and where (line and column). */
export function checkTemplates(message: Message): void {
	for (const [field, text] of templatedFields(message)) parseField(field, text);
}

/** Parses a message's templates once (per batch); fields without Liquid stay text. */
export function compileMessage(message: Message): CompiledMessage {
	const parse = (field: string, text: string | undefined) =>
		text !== undefined && TEMPLATE.test(text) ? parseField(field, text) : null;
	return {
		message,
		title: parse('title', message.title),
		body: parse('body', message.body),
		url: parse('url', message.url),
		icon: parse('icon', message.icon),
		image: parse('image', message.image),
		actions: (message.actions ?? []).map((a, i) => ({
			title: parse(`actions[${i}].title`, a.title),
			url: parse(`actions[${i}].url`, a.url),
		})),
	};
}

/**
 * Renders one recipient's message. Titles that render blank, URLs that render to anything but an absolute http(s)
 * URL (blank means none: the click then opens the subscriber's last page) and any render error are
 * `render_failed`; a message whose payload would pass the push limit is `payload_too_large`.
 */
export function renderMessage(
	compiled: CompiledMessage,
	ctx: RenderContext,
): { ok: true; message: Message } | { ok: false; reason: RenderFailure } {
	let message: Message;
	try {
		message = renderFields(compiled, ctx);
	} catch {
		return { ok: false, reason: 'render_failed' };
	}
	// Measured as the create-time check measures it: the click URL at its longest when the message has none.
	const payload = payloadFor(message, NID_PROBE, ctx.subscriber.id, URL_PROBE, URL_PROBE, null);
	if (encoder.encode(JSON.stringify(payload)).byteLength > MAX_PAYLOAD_BYTES) {
		return { ok: false, reason: 'payload_too_large' };
	}
	return { ok: true, message };
}

/** The URL fields of a send request that hold Liquid, set aside so the schema's URL check can pass over them. */
export interface LiftedUrls {
	/** The body with each templated URL swapped for a placeholder URL. */
	body: Record<string, unknown>;
	/** Puts the templates back into the parsed message. */
	restore(message: Message): void;
}

/**
 * Sets aside templated URLs (`url`, `icon`, `image`, `actions[i].url`) of a send request: a template is not a URL
 * until rendered, and the URL schema would refuse it or percent-encode its braces. They are checked as templates,
 * and as URLs per recipient at send time (an image that renders to no usable URL is left out).
 */
export function liftUrlTemplates(body: Record<string, unknown>): LiftedUrls {
	const lifted = new Map<string, string>();
	const lift = (field: string, value: unknown): unknown => {
		if (typeof value !== 'string' || !TEMPLATE.test(value)) return value;
		const text = value.trim();
		if (text.length > MAX_URL_LENGTH) throw badRequest(field, `must be at most ${MAX_URL_LENGTH} characters`);
		lifted.set(field, text);
		return 'https://template.invalid/';
	};
	const copy = { ...body };
	if ('url' in body) copy.url = lift('url', body.url);
	for (const field of IMAGE_FIELDS) if (field in body) copy[field] = lift(field, body[field]);
	if (Array.isArray(body.actions)) {
		copy.actions = body.actions.map((a: unknown, i) =>
			a !== null && typeof a === 'object' && 'url' in a ? { ...a, url: lift(`actions[${i}].url`, a.url) } : a,
		);
	}
	return {
		body: copy,
		restore(message) {
			const url = lifted.get('url');
			if (url !== undefined) message.url = url;
			for (const field of IMAGE_FIELDS) {
				const image = lifted.get(field);
				if (image !== undefined) message[field] = image;
			}
			message.actions?.forEach((a, i) => {
				const actionUrl = lifted.get(`actions[${i}].url`);
				if (actionUrl !== undefined) a.url = actionUrl;
			});
		},
	};
}

function templatedFields(message: Message): Array<[string, string]> {
	const fields: Array<[string, string]> = [
		['title', message.title],
		['body', message.body],
	];
	if (message.url !== undefined) fields.push(['url', message.url]);
	for (const field of IMAGE_FIELDS) {
		const value = message[field];
		if (value !== undefined) fields.push([field, value]);
	}
	message.actions?.forEach((a, i) => {
		fields.push([`actions[${i}].title`, a.title]);
		if (a.url !== undefined) fields.push([`actions[${i}].url`, a.url]);
	});
	return fields;
}

function parseField(field: string, text: string): Template[] {
	try {
		return engine.parse(text);
	} catch (error) {
		throw badRequest(field, describeParseError(error));
	}
}

// liquidjs appends ", line:1, col:4" to its messages; the 400 says it in words, once.
function describeParseError(error: unknown): string {
	if (!LiquidError.is(error)) return `is not a valid Liquid template (${String((error as Error)?.message)})`;
	const reason = (error.originalError?.message ?? error.message).replace(/, line:\d+, col:\d+$/, '');
	const [line, column] = error.token.getPosition();
	return `${reason} (line ${line}, column ${column})`;
}

function renderFields(compiled: CompiledMessage, ctx: RenderContext): Message {
	const { message } = compiled;
	const out: Message = { ...message, title: render(compiled.title, message.title, ctx) };
	if (out.title === '') throw new Error('the title rendered blank');
	out.body = render(compiled.body, message.body, ctx);
	const url = renderUrl(compiled.url, message.url, ctx);
	if (url === undefined) delete out.url;
	else out.url = url;
	for (const field of IMAGE_FIELDS) {
		const image = renderImage(compiled[field], message[field], ctx);
		if (image === undefined) delete out[field];
		else out[field] = image;
	}
	if (message.actions) {
		out.actions = message.actions.map((a, i) => {
			const parts = compiled.actions[i];
			const title = render(parts?.title ?? null, a.title, ctx);
			if (title === '') throw new Error('an action title rendered blank');
			const actionUrl = renderUrl(parts?.url ?? null, a.url, ctx);
			return actionUrl === undefined
				? { action: a.action, title }
				: { action: a.action, title, url: actionUrl };
		});
	}
	return out;
}

function render(templates: Template[] | null, text: string, ctx: RenderContext): string {
	if (templates === null) return text;
	// A fresh Context per render: the step count and memory count are per field and recipient.
	let steps = 0;
	const renderLimit = {
		check() {
			if (++steps > MAX_RENDER_STEPS) throw new Error('render step limit exceeded');
		},
		use() {},
	} as unknown as Context['renderLimit'];
	const scope = new Context(ctx, engine.options, { sync: true }, { liquid: engine, renderLimit });
	return String(engine.renderSync(templates, scope)).trim();
}

function renderUrl(
	templates: Template[] | null,
	text: string | undefined,
	ctx: RenderContext,
): string | undefined {
	if (text === undefined) return undefined;
	if (templates === null) return text;
	const rendered = render(templates, text, ctx);
	if (rendered === '') return undefined;
	const url = URL.parse(rendered);
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.href.length > MAX_URL_LENGTH) {
		throw new Error('a URL rendered to something that is not an http(s) URL');
	}
	return url.href;
}

/**
 * A templated image: kept when it renders to an https URL, or an http one of the site's own origins (when the
 * context names them); dropped otherwise, blank included (an image is decoration: the push still goes).
 */
function renderImage(
	templates: Template[] | null,
	text: string | undefined,
	ctx: RenderContext,
): string | undefined {
	if (text === undefined || templates === null) return text;
	const url = URL.parse(render(templates, text, ctx));
	if (!url || url.href.length > MAX_URL_LENGTH) return undefined;
	if (url.protocol === 'https:' || (url.protocol === 'http:' && ctx.origins?.includes(url.origin)))
		return url.href;
	return undefined;
}

/** Which keys of `subscriber` and `user` a message's templates read: a set of keys, or 'all' (used whole). */
export interface ContextNeeds {
	subscriber: Set<string> | 'all';
	user: Set<string> | 'all';
}

/**
 * What a personalised message reads of each recipient's context, from the templates' variables (liquidjs static
 * analysis): `{{ user.first_name }}` needs `user.first_name` only; a root used whole (`{% if user %}`,
 * `{{ user[key] }}`) needs all of it. The dispatcher ships only that with each recipient, so a personalised send
 * carries a few bytes per recipient instead of every attribute (more recipients per queue message, fewer rows).
 */
export function contextNeeds(...messages: Message[]): ContextNeeds {
	const needs: ContextNeeds = { subscriber: new Set(), user: new Set() };
	for (const [field, text] of messages.flatMap(templatedFields)) {
		if (!TEMPLATE.test(text)) continue;
		for (const segments of engine.globalVariableSegmentsSync(parseField(field, text))) {
			const [root, key] = segments;
			if (root !== 'subscriber' && root !== 'user') continue;
			if (typeof key !== 'string' || key === 'size' || key === 'first' || key === 'last') needs[root] = 'all';
			else {
				const keys = needs[root];
				if (keys !== 'all') keys.add(key);
			}
		}
	}
	return needs;
}

/** A recipient's context cut to what the templates read (the subscriber's id always stays: the size check uses it). */
export function pruneContext(ctx: RenderContext, needs: ContextNeeds): RenderContext {
	const pick = <T extends Record<string, unknown>>(from: T, keys: Set<string>, keep: string): T => {
		const out: Record<string, unknown> = { [keep]: from[keep] };
		for (const key of keys) if (Object.hasOwn(from, key)) out[key] = from[key];
		return out as T;
	};
	const pruned: RenderContext = {
		subscriber: needs.subscriber === 'all' ? ctx.subscriber : pick(ctx.subscriber, needs.subscriber, 'id'),
		user: ctx.user === null || needs.user === 'all' ? ctx.user : pick(ctx.user, needs.user, 'id'),
	};
	if (ctx.event !== undefined) pruned.event = ctx.event;
	return pruned;
}

/**
 * A message whose templates read only `event` (a broadcast's trigger event), rendered once for every recipient;
 * null when a template also reads the recipient (`user`, `subscriber`), which each recipient's rendering then needs.
 */
export function bindEvent(
	message: Message,
	event: Record<string, string | number | boolean>,
	origins: readonly string[] = [],
): Message | null {
	for (const [field, text] of templatedFields(message)) {
		if (!TEMPLATE.test(text)) continue;
		for (const [root] of engine.globalVariableSegmentsSync(parseField(field, text))) {
			if (root !== 'event') return null;
		}
	}
	if (!isPersonalised(message)) return message;
	const ctx: RenderContext = {
		subscriber: { id: '', browser: '', os: '', locale: null, timezone: null, last_url: null, categories: [] },
		user: null,
		event,
		origins,
	};
	const rendered = renderMessage(compileMessage(message), ctx);
	return rendered.ok ? rendered.message : null;
}
