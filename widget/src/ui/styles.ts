/**
 * Shadow-root CSS. `:host { all: initial !important }` stops the page's inherited styles at the door; colours come
 * from --a/--g/--t/--r, set on the wrapper from the page's --beckon-* variables with the site's theme as fallback.
 */
export const CSS = `:host{all:initial!important;--s:0 10px 30px #0003;display:block!important;position:fixed!important;z-index:2147483000!important;inset:0 0 auto 0!important;height:0!important;font:15px/1.45 var(--beckon-font,system-ui,sans-serif)!important;color:#000!important}
*{box-sizing:border-box;margin:0;font:inherit;color:inherit}
.w{color:var(--t)}
.p{position:fixed;top:12px;inset-inline:0;margin:0 auto;width:min(440px,calc(100vw - 24px));background:var(--g);border-radius:var(--r);box-shadow:var(--s);padding:16px;display:flex;gap:12px;animation:s .3s ease-out}
@keyframes s{from{transform:translateY(-130%)}}

.f{flex:1}
img{width:48px;height:48px;border-radius:8px;object-fit:cover}
h2{font-weight:700;font-size:16px;margin-bottom:4px}
label{display:flex;gap:8px;align-items:center;margin-top:6px;cursor:pointer}
input{accent-color:var(--a);width:16px;height:16px}
.r{display:flex;gap:8px;justify-content:flex-end;margin-top:12px;flex-wrap:wrap}
button{cursor:pointer;border:0;border-radius:calc(var(--r)/1.5);padding:8px 14px;font-weight:600;background:none;color:var(--t)}
.a{background:var(--a);color:#fff}
.b{position:fixed;bottom:16px;right:16px;width:52px;height:52px;border-radius:50%;padding:14px;background:var(--a);box-shadow:0 4px 14px #0003}
.l{left:16px!important;right:auto!important}
.b i{position:absolute;top:6px;inset-inline-end:6px;width:12px;height:12px;border-radius:50%;border:2px solid #fff;background:#9ca3af}
.b i.on{background:#22c55e}
.b svg{fill:#fff;display:block}
.k{position:fixed;bottom:80px;right:16px;width:min(300px,calc(100vw - 32px));background:var(--g);border-radius:var(--r);box-shadow:var(--s);padding:16px}
.x{margin-inline-start:auto;align-self:flex-start;padding:0 4px;font-size:20px;line-height:1}`;
