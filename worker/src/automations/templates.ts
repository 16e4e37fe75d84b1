import type { AutomationTemplate } from '#wire';

// Ready-made automations (issue 13): the store automations a site switches on and edits. Each is an ordinary
// automation body (POST …/automations takes it as it is); the events they listen to are the ones Beckon's Shopify
// app and WordPress plugin record (docs in README "Automations"), or that a site sends itself.

const HOUR = 3600;
const DAY = 24 * HOUR;

export const AUTOMATION_TEMPLATES: readonly AutomationTemplate[] = [
	{
		id: 'abandoned_checkout',
		name: 'Abandoned checkout',
		description:
			'Up to three reminders (1 h, 24 h and 72 h after the checkout) to buyers who started a checkout and did not order, each linking back to their checkout; stops as soon as they order. To offer a discount in the last one, fill in its discount code (create the code in your Shopify admin first): the reminder names it, and on Shopify its link applies the code to the checkout.',
		sources: ['shopify', 'any'],
		body: {
			name: 'Abandoned checkout',
			trigger: {
				type: 'inaction',
				event: 'checkout_started',
				without: 'purchase',
				withinSeconds: HOUR,
				key: 'checkout_id',
			},
			steps: [
				{
					message: {
						title: 'You left something in your cart',
						body: '{{ event.item_title | default: "Your items" }} are still waiting for you.',
						url: '{{ event.checkout_url }}',
					},
				},
				{
					wait: { seconds: 23 * HOUR },
					message: {
						title: 'Still thinking it over?',
						body: 'Your checkout is saved: pick up where you left off.',
						url: '{{ event.checkout_url }}',
					},
				},
				{
					wait: { seconds: 2 * DAY },
					message: {
						title: 'Last reminder: your cart',
						// The step's discount code (blank: none) is `event.discount_code` here.
						body: '{% if event.discount_code %}Use {{ event.discount_code }} at checkout. {% endif %}Your items may sell out.',
						url: '{{ event.checkout_url }}',
					},
					discountCode: '',
				},
			],
			exit: { events: ['purchase'] },
			goal: { event: 'purchase', valueProperty: 'total', windowSeconds: 3 * DAY },
			reentryAfterSeconds: 0,
		},
	},
	{
		id: 'browse_abandonment',
		name: 'Browse abandonment',
		description:
			'A shopper viewed a product and did not add it to the cart within 30 minutes: one reminder of that product.',
		sources: ['shopify', 'any'],
		body: {
			name: 'Browse abandonment',
			trigger: {
				type: 'inaction',
				event: 'product_viewed',
				without: 'product_added_to_cart',
				withinSeconds: 30 * 60,
				key: 'product_id',
			},
			steps: [
				{
					message: {
						title: 'Still thinking about {{ event.product_title }}?',
						body: 'It is still available. Take another look.',
						url: '{{ event.product_url }}',
					},
				},
			],
			exit: { events: ['purchase'] },
			goal: { event: 'purchase', valueProperty: 'total', windowSeconds: DAY },
			reentryAfterSeconds: 7 * DAY,
		},
	},
	{
		id: 'back_in_stock',
		name: 'Back in stock',
		description:
			'Shoppers who pressed "Notify me when available" on a sold-out product get a push when it is back.',
		sources: ['shopify', 'any'],
		body: {
			name: 'Back in stock',
			trigger: { type: 'event', event: 'back_in_stock', key: 'variant_id' },
			steps: [
				{
					message: {
						title: '{{ event.product_title }} is back in stock',
						body: 'You asked us to tell you. Get it before it is gone again.',
						url: '{{ event.product_url }}',
					},
				},
			],
			goal: { event: 'purchase', valueProperty: 'total', windowSeconds: 3 * DAY },
			reentryAfterSeconds: 0,
		},
	},
	{
		id: 'price_drop',
		name: 'Price drop',
		description: 'Subscribers who viewed a product in the last 30 days are told when its price falls.',
		sources: ['shopify', 'any'],
		body: {
			name: 'Price drop',
			trigger: { type: 'event', event: 'price_dropped', key: 'product_id' },
			steps: [
				{
					message: {
						title: 'Price drop: {{ event.product_title }}',
						body: 'Now {{ event.price }} (was {{ event.old_price }}).',
						url: '{{ event.product_url }}',
					},
				},
			],
			goal: { event: 'purchase', valueProperty: 'total', windowSeconds: 3 * DAY },
			reentryAfterSeconds: DAY,
		},
	},
	{
		id: 'shipping_updates',
		name: 'Shipping updates',
		description:
			'The buyer’s devices hear when their order is in transit, out for delivery and delivered. Transactional: not capped, no quiet hours.',
		sources: ['shopify', 'any'],
		body: {
			name: 'Shipping updates',
			trigger: { type: 'event', event: 'fulfillment_updated', key: 'update_id' },
			steps: [
				{
					message: {
						title: 'Order {{ event.order_name }}: {{ event.status_label }}',
						body: '{{ event.status_detail | default: "Tap to follow your parcel." }}',
						url: '{{ event.tracking_url | default: event.order_url }}',
					},
				},
			],
			reentryAfterSeconds: 0,
			ignoreFrequencyCap: true,
			quietHours: null,
		},
	},
	{
		id: 'welcome',
		name: 'Welcome series',
		description: 'A thank-you right after subscribing, and a second message a day later.',
		sources: ['any'],
		body: {
			name: 'Welcome series',
			trigger: { type: 'event', event: 'subscribed' },
			steps: [
				{
					wait: { seconds: 60 },
					message: { title: 'Thanks for subscribing!', body: 'We will only send what matters.' },
				},
				{
					wait: { seconds: DAY },
					message: { title: 'Good to have you here', body: 'Here is what is new this week.' },
				},
			],
			goal: { event: 'purchase', valueProperty: 'total', windowSeconds: 7 * DAY },
		},
	},
	{
		id: 'new_posts',
		name: 'New posts',
		description:
			'Announces each new post to your subscribers once (readers of its categories when they chose some), with its title, excerpt, link and featured image. The WordPress plugin creates it when it connects and records a post_published event per post; any site can send the same event.',
		sources: ['wordpress', 'any'],
		body: {
			name: 'New posts',
			trigger: { type: 'event', event: 'post_published', key: 'send_id' },
			steps: [
				{
					message: {
						title: '{{ event.title }}',
						body: '{{ event.body }}',
						url: '{{ event.url }}',
						icon: '{{ event.icon }}',
						image: '{{ event.image }}',
					},
				},
			],
			audience: { all: true },
			categoriesFrom: 'categories',
			// As a plain send: news is not held back by quiet hours or the frequency cap unless the site says so.
			quietHours: null,
			ignoreFrequencyCap: true,
		},
	},
];

/** A template by id. */
export function findTemplate(id: string): AutomationTemplate | null {
	return AUTOMATION_TEMPLATES.find((t) => t.id === id) ?? null;
}
