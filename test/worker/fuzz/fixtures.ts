import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { encodeBase64Url } from '../../../worker/src/push/base64url';
import { call, createSite, makeSubscription, send, subscribe, type TestSite } from '../helpers';
import { CATEGORIES } from './bodies';
import { watchSiteStores } from './db-watch';
import { authorization, contentType, origin, pathId } from './requests';
import { rarely } from './values';

/** Two sites (one to attack, one whose ids and keys are "another site's"), with subscribers and a send. */
export interface World {
	site: TestSite;
	other: TestSite;
	subscriberIds: string[];
	otherSubscriberIds: string[];
	notificationIds: string[];
	otherNotificationIds: string[];
	/** Valid p256dh values (real P-256 points) for generated subscriptions. */
	p256dh: string[];
	/** An endpoint the worker accepts (the local push sink). */
	endpoint: string;
}

/** Builds the {@link World} once per test file. */
export async function makeWorld(): Promise<World> {
	const site = await createSite();
	const other = await createSite();
	// Rejected requests must leave both sites' stores untouched too, not only D1.
	watchSiteStores(site.siteId, other.siteId);
	const settings = await call(`/v1/sites/${site.siteId}/settings`, {
		method: 'PATCH',
		key: site.apiKey,
		body: JSON.stringify({ prompt: { categories: CATEGORIES.map((id) => ({ id, label: id })) } }),
	});
	if (settings.status !== 200) throw new Error(`settings: ${settings.status}`);
	const subscriberIds: string[] = [];
	for (let i = 0; i < 3; i++) subscriberIds.push(await subscribe(site, await makeSubscription()));
	const otherSubscriberIds = [await subscribe(other, await makeSubscription())];
	const notificationIds = [await send(site, {})];
	const otherNotificationIds = [await send(other, {})];
	const p256dh: string[] = [];
	for (let i = 0; i < 3; i++) p256dh.push((await makeSubscription()).json.keys.p256dh);
	const endpoint = `${env.PUSH_SINK_URL}/push/201/fuzz`;
	return {
		site,
		other,
		subscriberIds,
		otherSubscriberIds,
		notificationIds,
		otherNotificationIds,
		p256dh,
		endpoint,
	};
}

/** URLs: pages of the site, of other origins, and junk. */
export function pageUrl(world: World): fc.Arbitrary<string> {
	return fc.oneof(
		fc.webPath().map((p) => `${world.site.origin}${p.startsWith('/') ? p : `/${p}`}`),
		fc.constantFrom(
			`${world.other.origin}/x`,
			'https://evil.example/',
			`${world.site.origin}/${'a'.repeat(5000)}`,
		),
		fc.webUrl(),
	);
}

/** Push endpoints: the local sink (accepted in tests), known services, and refused ones. */
export const endpoint = fc.oneof(
	fc.uuid().map((id) => `${env.PUSH_SINK_URL}/push/201/${id}`),
	fc.uuid().map((id) => `https://fcm.googleapis.com/fcm/send/${id}`),
	fc.constantFrom(
		'https://evil.example/push',
		'http://fcm.googleapis.com/fcm/send/x',
		'https://updates.push.services.mozilla.com.evil.example/x',
		'https://fcm.googleapis.com:8443/x',
		'not a url',
	),
);

/** 16 random bytes as base64url: a valid `auth`. */
export const authSecret16 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(encodeBase64Url);

/** 16 random bytes as base64url, or the wrong size. */
export const authSecret = fc.oneof(authSecret16, fc.uint8Array({ maxLength: 40 }).map(encodeBase64Url));

/** p256dh values: real points, 65 bytes off the curve, wrong sizes, not base64url. */
export function p256dh(world: World): fc.Arbitrary<string> {
	return fc.oneof(
		fc.constantFrom(...world.p256dh),
		fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => encodeBase64Url(new Uint8Array([4, ...b]))),
		fc.uint8Array({ maxLength: 100 }).map(encodeBase64Url),
		fc.constantFrom('!!!', '====', 'BAAA'),
	);
}

/** Path ids of the attacked site (mostly), the other site, or junk. */
export const siteIdOf = (world: World) => pathId([world.site.siteId], [world.other.siteId]);

/** Subscriber ids of the attacked site (mostly), the other site, or junk. */
export const subscriberIdOf = (world: World) => pathId(world.subscriberIds, world.otherSubscriberIds);

/** What a browser sends: mostly the site's Origin, any content type, rarely an Authorization header. */
export const browserHeaders = (world: World) =>
	fc.record({
		origin: origin(world.site.origin, [world.other.origin]),
		'content-type': contentType,
		authorization: rarely(authorization(null, [world.site.apiKey]), 4),
	});
