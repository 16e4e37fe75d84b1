import type { StaffPushPayload } from '#wire';
import { config, type Env } from '../env';
import { encodeBase64Url } from '../push/base64url';
import { buildPushRequest } from '../push/request';
import { pushServiceOf } from '../sending/push-hosts';
import { signerFor } from '../sending/signers';
import { transmit } from '../sending/transport';
import type { StaffDevice, StaffPush } from '../store/staff';

/** Staff alerts are live news: one not delivered within an hour is dropped (no flood at shift start). */
const STAFF_TTL_S = 3600;

const encoder = new TextEncoder();

/** The Topic header of a tag: a newer push with the same topic replaces one the push service still holds. */
async function topicOf(tag: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(tag)));
	return encodeBase64Url(digest).slice(0, 32);
}

/** What a staff device's service worker shows (one home: the wire types). */
export type StaffPayload = StaffPushPayload;

/**
 * Sends each push to every device of its staff member, signed with the site's VAPID key. Returns how many went
 * and the devices their push services said are gone.
 */
export async function pushToStaff(
	env: Env,
	siteId: string,
	homeUrl: string,
	pushes: readonly StaffPush[],
	devices: readonly StaffDevice[],
): Promise<{ sent: number; failed: number; gone: Array<{ id: string; endpoint: string }> }> {
	const result = { sent: 0, failed: 0, gone: [] as Array<{ id: string; endpoint: string }> };
	if (pushes.length === 0 || devices.length === 0) return result;
	const cfg = config(env);
	const signer = await signerFor(env, siteId, homeUrl);
	const jobs: Array<Promise<void>> = [];
	for (const push of pushes) {
		const payload: StaffPayload = {
			kind: 'staff',
			title: push.title,
			body: push.body,
			url: push.url,
			tag: push.tag,
		};
		const body = encoder.encode(JSON.stringify(payload));
		const topic = await topicOf(push.tag);
		for (const device of devices.filter((d) => d.staff_id === push.staffId)) {
			jobs.push(
				(async () => {
					const endpoint = URL.parse(device.endpoint);
					if (!endpoint || !pushServiceOf(endpoint, cfg.allowLoopbackPush)) {
						result.failed++;
						return;
					}
					const request = await buildPushRequest(
						device,
						body,
						{ ttl: STAFF_TTL_S, urgency: 'high', topic },
						await signer.authorization(device.endpoint),
					);
					const outcome = await transmit(request.url, request.init, cfg.pushTimeoutMs);
					if (outcome.kind === 'delivered') result.sent++;
					else if (outcome.kind === 'gone') result.gone.push({ id: device.id, endpoint: device.endpoint });
					else result.failed++;
				})().catch(() => {
					result.failed++;
				}),
			);
		}
	}
	await Promise.all(jobs);
	return result;
}
