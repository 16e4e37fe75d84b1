import type { Message as PushMessage } from '#wire';
import { withDiscountLink } from '../automations/discount';
import { config, type Env } from '../env';
import { limiter } from '../lib/limit';
import { describeError } from '../lib/redact';
import { type BatchReport, type DispatchInput, messagesOf } from '../objects/dispatcher';
import { siteStore } from '../objects/site-store';
import { backoffMs } from '../push/classify';
import { buildPushRequest, type PushRequest, PushRequestError } from '../push/request';
import type { VapidSigner } from '../push/vapid';
import { OutageBreaker } from '../sending/breaker';
import {
	type CompiledMessage,
	compileMessage,
	isPersonalised,
	type RenderContext,
	renderMessage,
} from '../sending/liquid';
import { payloadFor } from '../sending/message';
import { pushServiceOf } from '../sending/push-hosts';
import { signerFor, VapidKeyUnavailable } from '../sending/signers';
import { transmit } from '../sending/transport';
import { isSendingDisabled } from '../store/sites';
import type { PushBatch, Recipient } from './messages';

const encoder = new TextEncoder();

/**
 * Queue handler: each message is one batch; all messages of an invocation share ≤6 concurrent fetches and one
 * view of which push services are down.
 */
export async function consumePushBatches(batch: MessageBatch<PushBatch>, env: Env): Promise<void> {
	const run = limiter(6);
	const breaker = new OutageBreaker();
	await Promise.all(batch.messages.map((message) => consumeOne(message, env, run, breaker)));
}

async function consumeOne(
	message: Message<PushBatch>,
	env: Env,
	run: <T>(task: () => Promise<T>) => Promise<T>,
	breaker: OutageBreaker,
): Promise<void> {
	const { notificationId, batchId } = message.body;
	const dispatcher = env.DISPATCHER.get(env.DISPATCHER.idFromName(notificationId));
	let claimed = false;
	try {
		const claim = await dispatcher.claim(batchId);
		if (!claim.ok) {
			message.ack();
			return;
		}
		claimed = true;
		const report = await sendBatch(env, claim.input, claim.attempt, message.body.recipients, run, breaker);
		await dispatcher.complete(batchId, report);
		message.ack();
	} catch (error) {
		console.error('push batch failed', notificationId, batchId, describeError(error));
		if (claimed) await dispatcher.release(batchId).catch(() => undefined);
		message.retry({ delaySeconds: 5 });
	}
}

/**
 * Sends one batch and classifies every response; prunes gone subscriptions. Recipients of a push service the
 * breaker finds down are not sent to: they go back for a retry like those it answered 429/5xx.
 */
export async function sendBatch(
	env: Env,
	input: DispatchInput,
	attempt: number,
	recipients: Recipient[],
	run: <T>(task: () => Promise<T>) => Promise<T>,
	breaker: OutageBreaker = new OutageBreaker(),
): Promise<BatchReport> {
	const cfg = config(env);
	// A site turned off while a send is under way (Shopify app uninstalled) sends nothing more.
	if (await isSendingDisabled(env.DB, input.siteId)) {
		return { sent: 0, gone: 0, failures: { site_disabled: recipients.length }, retry: [] };
	}
	let signer: VapidSigner;
	try {
		signer = await signerFor(env, input.siteId, input.homeUrl);
	} catch (error) {
		if (!(error instanceof VapidKeyUnavailable)) throw error;
		// Every batch would fail the same way: the dispatcher ends the notification once, with this reason.
		console.error('site VAPID key unavailable', input.siteId, error.message);
		const fatal = 'vapid_key_unavailable';
		return { sent: 0, gone: 0, failures: { [fatal]: recipients.length }, retry: [], fatal };
	}
	// Each variant's message (a run without variants has one), its templates parsed once per batch.
	const messages = messagesOf(input);
	// A language variant's message, its templates parsed on first use in this batch.
	const translated = new Map<string, { message: PushMessage; compiled: CompiledMessage | null }>();
	const translation = (v: number, tag: string) => {
		const key = `${v}\u0000${tag}`;
		let t = translated.get(key);
		if (!t) {
			const message = input.translations?.[v]?.[tag];
			if (!message) return null;
			t = { message, compiled: isPersonalised(message) ? compileMessage(message) : null };
			translated.set(key, t);
		}
		return t;
	};
	let compiled: Array<CompiledMessage | null>;
	try {
		compiled = messages.map((m) => (isPersonalised(m) ? compileMessage(m) : null));
		for (const [v, t] of (input.translations ?? []).entries())
			for (const tag of Object.keys(t ?? {})) translation(v, tag);
	} catch (error) {
		// Checked when the send was made, so only a change of Liquid version gets here: no retry would help.
		console.error('message templates do not parse', input.notificationId, describeError(error));
		return { sent: 0, gone: 0, failures: { render_failed: recipients.length }, retry: [] };
	}
	const report: BatchReport = { sent: 0, gone: 0, failures: {}, retry: [] };
	const byVariant = input.variants ? messages.map(() => ({ sent: 0, failed: 0 })) : null;
	if (byVariant) report.byVariant = byVariant;
	const gone: Array<{ id: string; endpoint: string }> = [];
	const fail = (reason: string, v?: number) => {
		report.failures[reason] = (report.failures[reason] ?? 0) + 1;
		const counts = byVariant?.[v ?? 0];
		if (counts) counts.failed++;
	};
	// A recipient whose subscription was made with another of the site's keys (imported) signs with that key.
	// A key that is gone (deleted) or does not open fails its subscribers alone, each counted with the reason.
	const signerOf = async (k: string | undefined): Promise<VapidSigner | string> => {
		if (k === undefined) return signer;
		try {
			return await signerFor(env, input.siteId, input.homeUrl, k);
		} catch (error) {
			if (!(error instanceof VapidKeyUnavailable)) throw error;
			return error.unknownKey ? 'vapid_key_unknown' : 'vapid_key_unreadable';
		}
	};
	const ttlLeft = Math.max(0, input.delivery.ttl - Math.floor((Date.now() - input.createdAt) / 1000));
	let retryAfter = 0;

	await Promise.all(
		recipients.map((recipient) =>
			run(async () => {
				const v = recipient.v ?? 0;
				let endpoint: URL;
				try {
					endpoint = new URL(recipient.endpoint);
				} catch {
					return fail('endpoint_invalid', v);
				}
				if (!pushServiceOf(endpoint, cfg.allowLoopbackPush)) return fail('endpoint_not_allowed', v);
				const retry = (retryAfterMs?: number) => {
					report.retry.push(recipient);
					retryAfter = Math.max(retryAfter, backoffMs(attempt, retryAfterMs));
				};
				if (breaker.isOpen(endpoint.origin)) return retry();
				const language = recipient.lc === undefined ? null : translation(v, recipient.lc);
				let message = language?.message ?? messages[v] ?? input.message;
				const template = language ? language.compiled : compiled[v];
				if (template) {
					// One recipient whose message cannot be rendered, or renders too long, fails alone.
					const rendered = renderMessage(template, recipient.ctx ?? bareContext(recipient));
					if (!rendered.ok) return fail(rendered.reason, v);
					message = rendered.message;
				}
				const keySigner = await signerOf(recipient.k);
				if (typeof keySigner === 'string') return fail(keySigner, v);
				let request: PushRequest;
				try {
					request = await buildPushRequest(
						recipient,
						encoder.encode(
							JSON.stringify(
								withDiscountLink(
									payloadFor(
										message,
										input.notificationId,
										recipient.id,
										recipient.url,
										input.homeUrl,
										input.iconUrl,
									),
									input.discount,
									recipient.ctx?.event,
								),
							),
						),
						{
							ttl: ttlLeft,
							urgency: input.delivery.urgency,
							...(input.delivery.topic ? { topic: input.delivery.topic } : {}),
						},
						await keySigner.authorization(recipient.endpoint),
					);
				} catch (error) {
					// One recipient whose push cannot be built (bad stored keys, say) ends alone, in its own state.
					return fail(buildFailure(error), v);
				}
				const outcome = await transmit(request.url, request.init, cfg.pushTimeoutMs);
				breaker.record(endpoint.origin, outcome);
				switch (outcome.kind) {
					case 'delivered':
						report.sent++;
						if (byVariant?.[v]) byVariant[v].sent++;
						break;
					case 'gone':
						gone.push({ id: recipient.id, endpoint: recipient.endpoint });
						break;
					case 'retry':
						retry(outcome.retryAfterMs);
						break;
					case 'rejected':
						fail(outcome.reason, v);
						break;
				}
			}),
		),
	);
	if (gone.length > 0) await siteStore(env, input.siteId).pruneGone(input.siteId, gone);
	report.gone = gone.length;
	if (report.retry.length > 0) report.retryAfterMs = retryAfter;
	return report;
}

/** A recipient queued without a context (before personalisation existed): only the defaults render. */
function bareContext(recipient: Recipient): RenderContext {
	return {
		subscriber: {
			id: recipient.id,
			browser: '',
			os: '',
			locale: null,
			timezone: null,
			last_url: null,
			categories: [],
		},
		user: null,
	};
}

/** The failure reason of a push that could not be built. */
function buildFailure(error: unknown): string {
	if (error instanceof PushRequestError) return 'subscription_invalid';
	if (error instanceof RangeError) return 'payload_too_large';
	console.error('push build failed', describeError(error));
	return 'build_failed';
}
