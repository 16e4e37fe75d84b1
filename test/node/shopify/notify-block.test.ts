import { describe, expect, it } from 'vitest';
import { blockJson, type FakeBeckon, mount, widgetOf, wrapper } from './notify-dom.ts';
import { blockSchema, t } from './render-embed.ts';
import { NOTIFY_BLOCK, renderNotify } from './render-notify.ts';
import { linenApron } from './shop-product.ts';

const text = {
	button: t('notify.button'),
	confirmation: t('notify.confirmation'),
	allow: t('notify.allow'),
	unsupported: t('notify.unsupported'),
};

const APRON = linenApron();
const [NATURAL, CHARCOAL, RUST] = APRON.variants.map((v) => String(v.id)) as [string, string, string];

describe('shopify "Notify me when available" block (Liquid)', () => {
	const fake = (state: string, answer = 'allowed'): FakeBeckon => ({ state, answer, calls: [] });

	it('stays hidden while the selected variant can be bought, and shows for a sold-out one', async () => {
		expect(wrapper(await renderNotify({ product: APRON })).hidden).toBe(true);
		expect(wrapper(await renderNotify({ product: APRON, variant: NATURAL })).hidden).toBe(true);
		const soldOut = await renderNotify({ product: APRON, variant: CHARCOAL });
		expect(wrapper(soldOut).hidden).toBe(false);
		expect(soldOut).toContain(`<button type="button" class="beckon-notify__button">${text.button}</button>`);
		expect(soldOut).toMatch(/<p class="beckon-notify__status" role="status" aria-live="polite"><\/p>/);
		// Every variant sold out: Shopify selects the first, and the button shows.
		const gone = { ...APRON, variants: APRON.variants.map((v) => ({ ...v, inventory: 0 })) };
		expect(wrapper(await renderNotify({ product: gone })).hidden).toBe(false);
	});

	it("renders the ids as strings and every variant's availability for the script", async () => {
		const html = await renderNotify({ product: APRON, variant: RUST, origin: 'https://shop.example' });
		expect(blockJson(html)).toEqual({
			product_id: '8100000000001',
			variant_id: RUST,
			editor: false,
			available: { [NATURAL]: true, [CHARCOAL]: false, [RUST]: false },
		});
		expect(wrapper(html).data).toMatchObject({
			title: 'Linen apron',
			url: 'https://shop.example/products/linen-apron',
		});
	});

	it('keeps hostile product titles and merchant texts as data', async () => {
		const title = `"><img src=x onerror=alert(1)></script><script>alert('t')</script>&amp;`;
		const hostile = '</script><script>alert(2)</script>';
		const html = await renderNotify({
			product: { ...APRON, title },
			variant: CHARCOAL,
			settings: { button_text: hostile, confirmation_text: `" onfocus="alert(3)` },
		});
		expect(html).not.toContain('<img');
		expect(html.match(/<script\b/g)).toHaveLength(2);
		expect(html.match(/<\/script>/g)).toHaveLength(2);
		expect(html).not.toMatch(/<script[^>]*\bsrc=/);
		expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;</button>');
		const { data } = wrapper(html);
		expect(data.title).toBe(title);
		expect(data.done).toBe(`" onfocus="alert(3)`);
		// The title reaches the event as the very same string.
		const beckon = fake('allowed');
		await mount(html, { beckon }).press();
		expect(beckon.calls[0]?.[2]).toMatchObject({ product_title: title });
	});

	it("uses the merchant's texts when set and the locale's otherwise", async () => {
		const custom = await renderNotify({
			product: APRON,
			variant: CHARCOAL,
			settings: { button_text: 'Tell me when it’s back', confirmation_text: 'Noted!' },
		});
		expect(custom).toContain('>Tell me when it’s back</button>');
		expect(wrapper(custom).data.done).toBe('Noted!');
		const empty = await renderNotify({ product: APRON, variant: CHARCOAL, settings: { button_text: '' } });
		expect(empty).toContain(`>${text.button}</button>`);
		expect(wrapper(empty).data).toMatchObject({
			done: text.confirmation,
			allow: text.allow,
			unsupported: text.unsupported,
		});
	});

	it('shows in the theme editor whatever the variant, and renders nothing without a product', async () => {
		const editor = await renderNotify({ product: APRON, designMode: true });
		expect(wrapper(editor).hidden).toBe(false);
		expect(blockJson(editor).editor).toBe(true);
		expect(mount(editor, { beckon: null }).root.hidden).toBe(false);
		expect((await renderNotify({ product: null })).trim()).toBe('');
	});

	it('subscribes a browser that is not subscribed yet, then records the request, confirms and disables the button', async () => {
		const beckon = fake('ask');
		const page = mount(await renderNotify({ product: APRON, variant: CHARCOAL }), { beckon });
		expect(page.root.hidden).toBe(false);
		expect(page.button.attrs['aria-disabled']).toBe('false');
		await page.press();
		expect(beckon.calls).toEqual([
			['subscribe'],
			[
				'track',
				'back_in_stock_requested',
				{
					product_id: '8100000000001',
					variant_id: CHARCOAL,
					product_title: 'Linen apron',
					product_url: 'https://oak-and-linen.com/products/linen-apron',
				},
			],
		]);
		expect(page.status.textContent).toBe(text.confirmation);
		expect(page.button.attrs['aria-disabled']).toBe('true');
		// Pressing again asks nothing more.
		await page.press();
		expect(beckon.calls).toHaveLength(2);
	});

	it('follows the variant in the product form, and remembers each variant asked for', async () => {
		const beckon = fake('allowed');
		const field = { value: NATURAL };
		const page = mount(await renderNotify({ product: APRON }), { beckon, field });
		expect(page.root.hidden).toBe(true);
		field.value = RUST;
		page.change();
		expect(page.root.hidden).toBe(false);
		await page.press();
		expect(beckon.calls).toEqual([
			['track', 'back_in_stock_requested', expect.objectContaining({ variant_id: RUST })],
		]);
		field.value = CHARCOAL;
		page.change();
		expect([page.root.hidden, page.button.attrs['aria-disabled'], page.status.textContent]).toEqual([
			false,
			'false',
			'',
		]);
		field.value = RUST;
		page.change();
		expect([page.button.attrs['aria-disabled'], page.status.textContent]).toEqual([
			'true',
			text.confirmation,
		]);
		field.value = NATURAL;
		page.change();
		expect(page.root.hidden).toBe(true);
	});

	it('reads the ?variant= URL parameter when the page has no product form field', async () => {
		const page = mount(await renderNotify({ product: APRON }), {
			beckon: fake('allowed'),
			search: `?variant=${RUST}`,
		});
		expect(page.root.hidden).toBe(false);
	});

	it('waits for the widget when pressed before the app embed loaded it, and gives up after a while', async () => {
		const html = await renderNotify({ product: APRON, variant: CHARCOAL });
		const late = mount(html, { beckon: null });
		const beckon = fake('allowed');
		const pressed = late.press();
		late.window.Beckon = widgetOf(beckon);
		await pressed;
		await new Promise((r) => setTimeout(r, 50));
		expect(beckon.calls).toHaveLength(1);
		expect(late.status.textContent).toBe(text.confirmation);
		const never = mount(html, { beckon: null });
		await never.press();
		await new Promise((r) => setTimeout(r, 100));
		expect(never.status.textContent).toBe(text.unsupported);
	});

	it('records nothing and says why when the browser does not allow or cannot show notifications', async () => {
		const html = await renderNotify({ product: APRON, variant: CHARCOAL });
		for (const [beckon, said] of [
			[fake('ask', 'ask'), text.allow],
			[fake('blocked', 'blocked'), text.allow],
			[fake('unsupported'), text.unsupported],
		] as const) {
			const page = mount(html, { beckon });
			await page.press();
			expect(beckon.calls.filter((c) => c[0] === 'track')).toEqual([]);
			expect(page.status.textContent).toBe(said);
			expect(page.button.attrs['aria-disabled']).toBe('false');
		}
	});

	it('declares a section block for product templates with the two text settings', () => {
		const schema = blockSchema(NOTIFY_BLOCK);
		expect(schema).toMatchObject({
			name: 'Back in stock button',
			target: 'section',
			enabled_on: { templates: ['product'] },
		});
		expect((schema.settings as Array<{ id: string; type: string }>).map((s) => [s.id, s.type])).toEqual([
			['button_text', 'text'],
			['confirmation_text', 'text'],
		]);
	});
});
