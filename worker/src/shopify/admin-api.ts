import { HttpResponseError, type Session, type Shopify } from '@shopify/shopify-api';
import { HttpError } from '../http/errors';

/** What install needs to know about a shop. */
export interface ShopInfo {
	name: string;
	myshopifyDomain: string;
	/** Storefront home on the primary domain, e.g. https://shop.example (no trailing slash). */
	primaryUrl: string;
	appInstallationId: string;
}

/** Namespace of the app-data metafields the theme app embed reads (`app.metafields.beckon.*`). */
export const EMBED_NAMESPACE = 'beckon';

/** Thrown when the Admin API refused the access token (revoked): the caller forgets it and asks for a retry. */
export class RevokedTokenError extends Error {
	override name = 'RevokedTokenError';
}

async function query<T>(shopify: Shopify, session: Session, operation: string, variables = {}): Promise<T> {
	const client = new shopify.clients.Graphql({ session });
	try {
		const response = await client.request<T>(operation, { variables });
		if (!response.data) throw new Error('Admin API answered without data');
		return response.data;
	} catch (error) {
		if (error instanceof HttpResponseError && error.response.code === 401) throw new RevokedTokenError();
		throw new HttpError(502, 'shopify_unavailable', 'The Shopify Admin API did not answer as expected');
	}
}

/** The shop's name, domains and this app's installation id. */
export async function fetchShopInfo(shopify: Shopify, session: Session): Promise<ShopInfo> {
	const data = await query<{
		shop: { name: string; myshopifyDomain: string; primaryDomain: { url: string } };
		currentAppInstallation: { id: string };
	}>(
		shopify,
		session,
		`query BeckonShop { shop { name myshopifyDomain primaryDomain { url } } currentAppInstallation { id } }`,
	);
	return {
		name: data.shop.name,
		myshopifyDomain: data.shop.myshopifyDomain,
		primaryUrl: new URL(data.shop.primaryDomain.url).origin,
		appInstallationId: data.currentAppInstallation.id,
	};
}

/** Writes the app-data metafields the app embed renders: the site id and this worker's origin. */
export async function setEmbedMetafields(
	shopify: Shopify,
	session: Session,
	ownerId: string,
	values: { siteId: string; apiOrigin: string },
): Promise<void> {
	const field = (key: string, value: string) => ({
		ownerId,
		namespace: EMBED_NAMESPACE,
		key,
		type: 'single_line_text_field',
		value,
	});
	const data = await query<{ metafieldsSet: { userErrors: Array<{ message: string }> } }>(
		shopify,
		session,
		`mutation BeckonEmbed($metafields: [MetafieldsSetInput!]!) {
			metafieldsSet(metafields: $metafields) { userErrors { field message } }
		}`,
		{ metafields: [field('site_id', values.siteId), field('api_origin', values.apiOrigin)] },
	);
	const problem = data.metafieldsSet.userErrors[0];
	if (problem)
		throw new HttpError(502, 'shopify_rejected', `Shopify refused the embed settings: ${problem.message}`);
}

/**
 * A customer's first name (read_customers; protected customer data, the name field), or null when the customer
 * has none or is gone.
 */
export async function fetchCustomerFirstName(
	shopify: Shopify,
	session: Session,
	customerId: string,
): Promise<string | null> {
	const data = await query<{ customer: { firstName: string | null } | null }>(
		shopify,
		session,
		`query BeckonCustomer($id: ID!) { customer(id: $id) { firstName } }`,
		{ id: `gid://shopify/Customer/${customerId}` },
	);
	const name = data.customer?.firstName?.trim();
	return name ? name.slice(0, 100) : null;
}

/**
 * Connects Beckon's web pixel to the shop (webPixelCreate; webPixelUpdate when it is already connected) with the
 * settings it posts with: the site id and this worker's origin. Needs write_pixels and read_customer_events.
 */
export async function connectWebPixel(
	shopify: Shopify,
	session: Session,
	values: { siteId: string; apiOrigin: string },
): Promise<void> {
	const settings = JSON.stringify({ siteId: values.siteId, apiOrigin: values.apiOrigin });
	type Result = { userErrors: Array<{ code: string | null; message: string }> };
	const created = await query<{ webPixelCreate: Result }>(
		shopify,
		session,
		`mutation BeckonPixelCreate($settings: JSON!) {
			webPixelCreate(webPixel: { settings: $settings }) { userErrors { code field message } webPixel { id } }
		}`,
		{ settings },
	);
	let problem = created.webPixelCreate.userErrors[0];
	if (problem?.code === 'TAKEN') {
		const { webPixel } = await query<{ webPixel: { id: string } }>(
			shopify,
			session,
			'query BeckonPixel { webPixel { id } }',
		);
		const updated = await query<{ webPixelUpdate: Result }>(
			shopify,
			session,
			`mutation BeckonPixelUpdate($id: ID!, $settings: JSON!) {
				webPixelUpdate(id: $id, webPixel: { settings: $settings }) { userErrors { code field message } }
			}`,
			{ id: webPixel.id, settings },
		);
		problem = updated.webPixelUpdate.userErrors[0];
	}
	if (problem)
		throw new HttpError(502, 'shopify_rejected', `Shopify refused the web pixel: ${problem.message}`);
}
