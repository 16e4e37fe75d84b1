import type { ShopProduct } from './shop-product.ts';

// The stand-in storefront's theme: a small Dawn-style shop, all inline (no third-party requests). The home page is
// what the storefront impact test measures; the product page hosts the "Notify me when available" app block in its
// main section, next to a product form whose `id` select the theme's script keeps in step with `?variant=`.

const PRODUCTS = [
	'Oak chopping board',
	'Oak serving tray',
	'Linen apron',
	'Walnut spoon',
	'Stoneware mug',
	'Wool throw',
];

const BASE_CSS = `body{margin:0;font:16px/1.6 Georgia,serif;color:#1c1c1c;background:#fff}
header{display:flex;justify-content:space-between;align-items:center;padding:18px 32px;border-bottom:1px solid #eee}
header nav a{margin-left:18px;color:inherit;text-decoration:none}
`;

/** The page around a template's main content: head, the shop's header and footer, then the app embed. */
function shell(page: { title: string; css: string; main: string; script: string }, embed: string): string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${page.title} – Oak &amp; Linen</title>
<style>
${BASE_CSS}${page.css}footer{padding:32px;background:#f4f1ec;margin-top:48px}
</style></head><body>
<header><strong>Oak &amp; Linen</strong><nav><a href="/">Home</a><a href="/collections/all">Shop</a><a href="/account/login">Account</a></nav></header>
${page.main}
<footer>© Oak &amp; Linen</footer>
<script>${page.script}</script>
${embed}</body></html>`;
}

/** The home page (and any other page that is not a product's). */
export function homePage(title: string, embed: string): string {
	const cards = PRODUCTS.map(
		(
			p,
			i,
		) => `<li class="card"><div class="media" style="--h:${i * 40}"></div><h3>${p}</h3><p>€${24 + i * 7}.00</p>
<button type="button">Add to cart</button></li>`,
	).join('');
	return shell(
		{
			title,
			css: `.hero{height:360px;display:grid;place-items:center;background:linear-gradient(120deg,#d9c7a7,#8c6d46);color:#fff}
.hero h1{font-size:44px;margin:0}
main{max-width:1100px;margin:0 auto;padding:32px}
.grid{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:24px}
.media{aspect-ratio:1;border-radius:6px;background:hsl(calc(30 + var(--h)) 35% 70%)}
.card h3{font-size:17px;margin:10px 0 0}.card p{margin:2px 0 8px;color:#555}
.card button{width:100%;padding:10px;border:1px solid #1c1c1c;background:#fff;font:inherit;cursor:pointer}
`,
			main: `<section class="hero"><h1>${title}</h1></section>
<main><h2>New arrivals</h2><ul class="grid">${cards}</ul><p>${'Made by hand in small batches from sustainably sourced oak, walnut and linen. '.repeat(12)}</p></main>`,
			script: `document.querySelectorAll('.card button').forEach(function(b){b.addEventListener('click',function(){b.textContent='Added'})})`,
		},
		embed,
	);
}

const html = (s: string) =>
	s.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
	);

/** A product page with `block` (the rendered app block) in its main section; `selected` is the shown variant's id. */
export function productPage(product: ShopProduct, selected: number, block: string, embed: string): string {
	const variant = product.variants.find((v) => v.id === selected) ?? product.variants[0];
	const options = product.variants
		.map(
			(v) =>
				`<option value="${v.id}"${v.id === variant?.id ? ' selected' : ''}>${html(v.title)}${v.inventory > 0 ? '' : ' – sold out'}</option>`,
		)
		.join('');
	const variants = Object.fromEntries(product.variants.map((v) => [v.id, [`€${v.price}`, v.inventory > 0]]));
	return shell(
		{
			title: html(product.title),
			css: `.product{max-width:1100px;margin:0 auto;padding:32px;display:grid;grid-template-columns:1fr 1fr;gap:48px}
.product .media{aspect-ratio:1;border-radius:6px;background:linear-gradient(140deg,#e6dccb,#b39b7a)}
.product h1{font-size:34px;line-height:1.2;margin:0 0 8px}.price{font-size:20px;margin:0 0 24px}
.product-form label{display:block;font-size:14px;letter-spacing:.04em;text-transform:uppercase;margin-bottom:6px}
.product-form select{display:block;width:100%;max-width:44rem;padding:12px;font:inherit;border:1px solid #1c1c1c;background:#fff;color:inherit;margin-bottom:16px}
.product-form button{display:block;width:100%;max-width:44rem;min-height:48px;font:inherit;border:0;background:#1c1c1c;color:#fff;cursor:pointer}
.product-form button:disabled{background:#767676;cursor:default}
@media (max-width:749px){.product{grid-template-columns:1fr;gap:24px;padding:20px}}
`,
			main: `<div class="shopify-section" id="shopify-section-main-product"><main class="product">
<div class="media" role="img" aria-label="${html(product.title)}"></div>
<div class="info"><h1>${html(product.title)}</h1><p class="price" id="price">€${variant?.price}</p>
<form method="post" action="/cart/add" class="product-form"><label for="variant">Colour</label><select id="variant" name="id">${options}</select>
<button type="submit" id="add"${variant && variant.inventory > 0 ? '>Add to cart' : ' disabled>Sold out'}</button></form>
${block}
<p>Stonewashed linen with deep pockets and adjustable straps. Made by hand in small batches.</p></div>
</main></div>
<script type="application/json" id="variants">${JSON.stringify(variants).replace(/</g, '\\u003c')}</script>`,
			// The theme's own variant picker: the price, the add button and the URL follow the select.
			script: `(function(){var v=JSON.parse(document.getElementById('variants').textContent),s=document.getElementById('variant'),a=document.getElementById('add');
s.addEventListener('change',function(){var x=v[s.value];document.getElementById('price').textContent=x[0];a.disabled=!x[1];a.textContent=x[1]?'Add to cart':'Sold out';history.replaceState(null,'','?variant='+s.value)});
s.form.addEventListener('submit',function(e){e.preventDefault()})})()`,
		},
		embed,
	);
}
