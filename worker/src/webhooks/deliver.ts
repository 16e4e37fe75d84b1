import { config, type Env } from '../env';
import { describeError } from '../lib/redact';
import { siteStore } from '../objects/site-store';
import type { AttemptOutcome } from '../store/webhooks';
import { signWebhook } from './sign';

/** A queue message: one webhook call of one site (its body and endpoint stay in the site's store). */
export interface WebhookMessage {
	siteId: string;
	deliveryId: string;
}

/** Characters of a failed answer kept as its error (the owner sees them in the delivery log). */
const ERROR_TEXT = 200;

/** Queue handler of `beckon-webhooks`: each message is one call, posted signed; failures come back with a delay. */
export async function consumeWebhookCalls(batch: MessageBatch<WebhookMessage>, env: Env): Promise<void> {
	await Promise.all(batch.messages.map((message) => deliverOne(message, env)));
}

async function deliverOne(message: Message<WebhookMessage>, env: Env): Promise<void> {
	const { siteId, deliveryId } = message.body;
	const store = siteStore(env, siteId);
	try {
		const call = await store.webhookAttempt(siteId, deliveryId, Date.now());
		if (!call) {
			message.ack();
			return;
		}
		const outcome = await post(call.url, call.secret, deliveryId, call.body, config(env).webhookTimeoutMs);
		const retryIn = await store.webhookOutcome(
			siteId,
			deliveryId,
			outcome,
			Date.now(),
			config(env).webhookRetryScale,
		);
		if (retryIn === null) message.ack();
		else message.retry({ delaySeconds: retryIn });
	} catch (error) {
		// The store could not be reached: the call is still pending there, so the queue tries again.
		console.error('webhook call failed', deliveryId, describeError(error));
		message.retry({ delaySeconds: 30 });
	}
}

/** One signed POST; never follows a redirect (a 3xx is a failure the owner sees). */
async function post(
	url: string,
	secret: string,
	id: string,
	body: string,
	timeoutMs: number,
): Promise<AttemptOutcome> {
	const started = Date.now();
	const headers = {
		'content-type': 'application/json',
		'user-agent': 'Beckon-Webhooks/1',
		...(await signWebhook(secret, id, Math.floor(started / 1000), body)),
	};
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers,
			body,
			redirect: 'manual',
			signal: AbortSignal.timeout(timeoutMs),
		});
		const text = response.ok ? '' : (await response.text().catch(() => '')).slice(0, ERROR_TEXT);
		if (response.ok) await response.body?.cancel();
		const latencyMs = Date.now() - started;
		if (response.ok) return { ok: true, httpStatus: response.status, latencyMs, error: null };
		const what =
			response.status >= 300 && response.status < 400
				? `HTTP ${response.status}: redirects are not followed; use the final URL`
				: `HTTP ${response.status}${text ? `: ${text}` : ''}`;
		return { ok: false, httpStatus: response.status, latencyMs, error: what };
	} catch (error) {
		const latencyMs = Date.now() - started;
		const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
		return {
			ok: false,
			httpStatus: null,
			latencyMs,
			error: timedOut ? `No answer within ${timeoutMs} ms` : `Could not connect: ${describeError(error)}`,
		};
	}
}
