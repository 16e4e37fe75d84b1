/** @jsx h */
// Beckon UI chunk (beckon-ui.js): the soft prompt, the bell and the iOS hint as a <beckon-widget> custom element
// with a shadow root, drawn with preact. It holds no logic: beckon.js decides what to show and does the work.
import { h, render } from 'preact';
import type { Actions, View } from '../types';
import { CSS } from './styles';

const BELL =
	'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z';

function Checks(props: { view: View; picked: Set<string>; toggle: (id: string) => void }) {
	return (
		<div>
			{props.view.config.categories.map((c) => (
				<label key={c.id}>
					<input type="checkbox" checked={props.picked.has(c.id)} onChange={() => props.toggle(c.id)} />
					{props.view.labels[c.id]}
				</label>
			))}
		</div>
	);
}

function Prompt(props: { view: View; act: Actions; picked: Set<string>; toggle: (id: string) => void }) {
	const { view, act } = props;
	const t = view.texts;
	if (view.prompt === 'ios') {
		return (
			<div class="p" role="status">
				<p>{t.iosHint}</p>
				<button type="button" class="x" aria-label={t.later} onClick={act.later}>
					×
				</button>
			</div>
		);
	}
	return (
		<div class="p" role="dialog" aria-labelledby="t">
			{view.config.image ? <img src={view.config.image} alt="" /> : null}
			<div class="f">
				<h2 id="t">{t.title}</h2>
				<p>{t.text}</p>
				{view.config.variant === 'categories' ? <Checks {...props} /> : null}
				<div class="r">
					<button type="button" onClick={act.later}>
						{t.later}
					</button>
					<button type="button" class="a" onClick={() => act.subscribe([...props.picked])}>
						{t.subscribe}
					</button>
				</div>
			</div>
		</div>
	);
}

function Panel(props: { view: View; act: Actions; picked: Set<string>; toggle: (id: string) => void }) {
	const { view, act } = props;
	const t = view.texts;
	const side = view.config.bell.position === 'bottom-left' ? 'k l' : 'k';
	if (view.state === 'blocked') return <div class={side}>{t.bellBlocked}</div>;
	if (view.state !== 'allowed') {
		return (
			<div class={side}>
				<button type="button" class="a" onClick={() => act.subscribe([...props.picked])}>
					{t.bellSubscribe}
				</button>
			</div>
		);
	}
	return (
		<div class={side}>
			<h2>{t.bellSubscribed}</h2>
			{view.config.categories.length ? <Checks {...props} /> : null}
			<div class="r">
				<button type="button" onClick={act.unsubscribe}>
					{t.bellUnsubscribe}
				</button>
				{view.config.categories.length ? (
					<button type="button" class="a" onClick={() => act.saveCategories([...props.picked])}>
						{t.save}
					</button>
				) : null}
			</div>
		</div>
	);
}

class BeckonWidget extends HTMLElement {
	private root = this.attachShadow({ mode: 'open' });
	private picked: Set<string> | null = null;
	private last: [View, Actions] | null = null;

	draw(view: View, act: Actions): void {
		this.last = [view, act];
		this.picked ??= new Set(view.chosen.length ? view.chosen : view.config.categories.map((c) => c.id));
		const th = view.config.theme;
		const vars = `--a:var(--beckon-accent,${th.accent});--g:var(--beckon-bg,${th.background});--t:var(--beckon-text,${th.text});--r:var(--beckon-radius,${th.radius}px)`;
		const props = { view, act, picked: this.picked, toggle: (id: string) => this.toggle(id) };
		render(
			<div class="w" dir={view.dir} style={vars}>
				<style>{CSS}</style>
				{view.prompt ? <Prompt {...props} /> : null}
				{view.bell ? (
					<button
						type="button"
						class={view.config.bell.position === 'bottom-left' ? 'b l' : 'b'}
						aria-label={view.state === 'allowed' ? view.texts.bellSubscribed : view.texts.bellSubscribe}
						aria-expanded={view.panel}
						onClick={act.togglePanel}
					>
						<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
							<path d={BELL} />
						</svg>
						<i class={view.state === 'allowed' ? 'on' : ''} />
					</button>
				) : null}
				{view.bell && view.panel ? <Panel {...props} /> : null}
			</div>,
			this.root,
		);
	}

	private toggle(id: string): void {
		const picked = this.picked as Set<string>;
		if (picked.has(id)) picked.delete(id);
		else picked.add(id);
		if (this.last) this.draw(...this.last);
	}
}

if (!customElements.get('beckon-widget')) customElements.define('beckon-widget', BeckonWidget);
