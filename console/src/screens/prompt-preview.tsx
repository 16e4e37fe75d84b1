import type { Prompt } from '#wire';

/**
 * The subscribe prompt and bell as the widget draws them (same layout, sizes and theme variables), inside a
 * small mock page. A faithful approximation in plain markup: the real widget is not loaded here.
 */
export function PromptPreview({ prompt }: { prompt: Prompt }) {
	const th = prompt.theme;
	const t = prompt.texts;
	const vars = {
		'--pp-accent': th.accent,
		'--pp-bg': th.background,
		'--pp-text': th.text,
		'--pp-radius': `${th.radius}px`,
	};
	return (
		<section class="card" aria-labelledby="pp-preview-title">
			<h2 id="pp-preview-title">Preview</h2>
			<div
				class="pp-page"
				style={vars}
				data-testid="prompt-preview"
				dir={prompt.dir === 'auto' ? undefined : prompt.dir}
			>
				<div class="pp-bar" aria-hidden="true">
					<i />
					<i />
					<i />
				</div>
				<div class="pp-dialog">
					{prompt.image && <img src={prompt.image} alt="" />}
					<div class="pp-f">
						<p class="pp-h" dir="auto" data-testid="pp-heading">
							{t.title}
						</p>
						<p class="pp-text" dir="auto">
							{t.text}
						</p>
						{prompt.variant === 'categories' &&
							prompt.categories.map((c) => (
								<span key={c.id} class="pp-check" dir="auto">
									<i aria-hidden="true" /> {c.label}
								</span>
							))}
						<div class="pp-r">
							<span class="pp-btn" dir="auto">
								{t.later}
							</span>
							<span class="pp-btn pp-a" dir="auto">
								{t.subscribe}
							</span>
						</div>
					</div>
				</div>
				{prompt.bell.enabled && (
					<span
						class={`pp-bell${prompt.bell.position === 'bottom-left' ? ' left' : ''}`}
						title={t.bellSubscribe}
					>
						<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
							<path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" />
						</svg>
					</span>
				)}
			</div>
			<p class="muted small">
				Shown {describeTrigger(prompt.trigger)}; asked again after {prompt.laterDays} days when dismissed.
			</p>
		</section>
	);
}

function describeTrigger(t: Prompt['trigger']): string {
	switch (t.type) {
		case 'seconds':
			return `after ${t.value} seconds on a page`;
		case 'pageviews':
			return `after ${t.value} page views`;
		case 'scroll':
			return `after scrolling ${t.value}% of a page`;
		default:
			return 'only from a button or the bell';
	}
}
