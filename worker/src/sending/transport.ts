import { classifyError, classifyResponse, type PushOutcome } from '../push/classify';

/**
 * The one place that calls push services. No redirects are followed (SSRF), the response body is discarded
 * unread beyond what the runtime needs, and a request that outlives `timeoutMs` counts as a retryable timeout.
 */
export async function transmit(
	url: string,
	init: { method: 'POST'; headers: Record<string, string>; body: Uint8Array },
	timeoutMs: number,
): Promise<PushOutcome> {
	try {
		const response = await fetch(url, {
			...init,
			redirect: 'manual',
			signal: AbortSignal.timeout(timeoutMs),
		});
		await response.body?.cancel();
		return classifyResponse(response.status, response.headers);
	} catch (error) {
		return classifyError(error);
	}
}
