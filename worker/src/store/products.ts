import type { EventValue } from '#wire';
import { dayOf, type EventInput } from './events';

// Shop products in a site's store (Shopify products/update): the last state of each variant, and who is waiting to
// hear of a restock or a price drop. The events it makes (`back_in_stock`, `price_dropped`) start the automations of
// the same names; who gets them is read from the events the storefront recorded (`back_in_stock_requested` from the
// "Notify me" button, `product_viewed` from the web pixel), matched inside the kept occurrences' JSON.

/** A product as products/update gives it, reduced to what the automations use. */
export interface ProductUpdate {
	id: string;
	title: string;
	url: string | null;
	imageUrl: string | null;
	/** When Shopify last changed the product (ms), if it said: an older update arriving late changes nothing. */
	updatedAt: number | null;
	variants: Array<{ id: string; price: number | null; available: boolean }>;
}

/** At most this many people hear of one change (a bound on the work one webhook does). */
export const MAX_AUDIENCE_PER_CHANGE = 10_000;
/** Viewers of the last this many days hear of a price drop. */
export const PRICE_DROP_VIEW_DAYS = 30;

interface VariantRow extends Record<string, SqlStorageValue> {
	id: string;
	price: number | null;
	available: number;
	updated_at: number;
}

/**
 * Stores the variants' state (only what changed) and returns the events the change makes: `back_in_stock` for each
 * person who asked (with the button) to hear of a variant that was sold out and is back, once per request;
 * `price_dropped` for each person who viewed the product in the last 30 days when its lowest price fell. A variant
 * seen for the first time as available counts as restocked (the button is only shown while it is sold out, so a
 * request for it means it was); a first price drops nothing. An update older than the state kept is ignored.
 * `wanted` says which of the two any enabled automation listens to (the others are not looked for).
 */
export function productChanged(
	sql: SqlStorage,
	product: ProductUpdate,
	wanted: { restock: boolean; priceDrop: boolean },
	now: number,
	retentionDays: number,
): EventInput[] {
	const ids = product.variants.map((v) => v.id);
	const before = new Map(
		sql
			.exec<VariantRow>(
				`SELECT id, price, available, updated_at FROM shop_variants WHERE id IN (SELECT value FROM json_each(?))`,
				JSON.stringify(ids),
			)
			.toArray()
			.map((r) => [r.id, r]),
	);
	const restocked: string[] = [];
	const at = product.updatedAt ?? now;
	const fresh = product.variants.filter((v) => (before.get(v.id)?.updated_at ?? 0) <= at);
	for (const v of fresh) {
		const old = before.get(v.id);
		if ((!old || old.available === 0) && v.available) restocked.push(v.id);
		if (!old || old.price !== v.price || (old.available === 1) !== v.available) {
			sql.exec(
				`INSERT INTO shop_variants (id, product_id, price, available, updated_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET product_id = excluded.product_id, price = excluded.price,
					available = excluded.available, updated_at = excluded.updated_at`,
				v.id,
				product.id,
				v.price,
				v.available ? 1 : 0,
				at,
			);
		}
	}
	const lowest = (prices: Array<number | null | undefined>) =>
		Math.min(...prices.filter((p): p is number => typeof p === 'number'));
	const oldLow = lowest(fresh.map((v) => before.get(v.id)?.price));
	const newLow = lowest(fresh.map((v) => v.price));
	const base: Record<string, EventValue> = { product_id: product.id, product_title: product.title };
	if (product.url) base.product_url = product.url;
	if (product.imageUrl) base.image_url = product.imageUrl;
	const events: EventInput[] = [];
	if (wanted.restock) {
		for (const variantId of restocked) {
			for (const subject of waitingForRestock(sql, variantId, dayOf(now) - retentionDays)) {
				events.push({
					subject,
					name: 'back_in_stock',
					time: now,
					id: `restock-${variantId}-${now}`,
					properties: { ...base, variant_id: variantId },
				});
			}
		}
	}
	if (wanted.priceDrop && Number.isFinite(oldLow) && Number.isFinite(newLow) && newLow < oldLow) {
		for (const subject of viewersOf(sql, product.id, dayOf(now) - PRICE_DROP_VIEW_DAYS)) {
			events.push({
				subject,
				name: 'price_dropped',
				time: now,
				id: `price-${product.id}-${newLow}`,
				properties: { ...base, price: newLow, old_price: oldLow },
			});
		}
	}
	return events;
}

/** Subjects whose occurrences of `name` since `sinceDay` carry `property` = `value`, with their latest time. */
function subjectsWith(
	sql: SqlStorage,
	name: string,
	property: string,
	value: string,
	sinceDay: number,
): Map<string, number> {
	// The id as a string or (from a storefront that tracks numbers) as a number.
	const key = `%${JSON.stringify(property).slice(0, -1)}":`;
	const out = new Map<string, number>();
	const rows = sql.exec<{ subject: string; recent: string }>(
		`SELECT subject, recent FROM event_days WHERE name = ? AND day >= ? AND (recent LIKE ? OR recent LIKE ?) LIMIT ?`,
		name,
		sinceDay,
		`${key}${JSON.stringify(value)}%`,
		`${key}${value}%`,
		MAX_AUDIENCE_PER_CHANGE * 4,
	);
	for (const row of rows) {
		for (const o of JSON.parse(row.recent) as Array<{ t: number; p?: Record<string, EventValue> }>) {
			if (String(o.p?.[property]) !== value) continue;
			out.set(row.subject, Math.max(out.get(row.subject) ?? 0, o.t));
		}
	}
	return out;
}

/** People who asked to hear of this variant and were not told of a restock since their latest request. */
function waitingForRestock(sql: SqlStorage, variantId: string, sinceDay: number): string[] {
	const asked = subjectsWith(sql, 'back_in_stock_requested', 'variant_id', variantId, sinceDay);
	const told = subjectsWith(sql, 'back_in_stock', 'variant_id', variantId, sinceDay);
	return [...asked]
		.filter(([subject, at]) => (told.get(subject) ?? 0) < at)
		.map(([subject]) => subject)
		.slice(0, MAX_AUDIENCE_PER_CHANGE);
}

function viewersOf(sql: SqlStorage, productId: string, sinceDay: number): string[] {
	return [...subjectsWith(sql, 'product_viewed', 'product_id', productId, sinceDay).keys()].slice(
		0,
		MAX_AUDIENCE_PER_CHANGE,
	);
}
