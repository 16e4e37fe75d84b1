import type { Prompt } from '#wire';
import { sprintf } from '../ui/format';
import { useT, useTn } from '../ui/parts';

type T = (text: string) => string;
type Tn = (single: string, plural: string, n: number) => string;

/**
 * The subscribe prompt and bell as the widget draws them (same layout, sizes and theme variables), inside a
 * small mock page. A faithful approximation in plain markup: the real widget is not loaded here.
 */
export function PromptPreview({ prompt }: { prompt: Prompt }) {
	const t = useT();
	const tn = useTn();
	const th = prompt.theme;
	const texts = prompt.texts;
	const vars = {
		'--pp-accent': th.accent,
		'--pp-bg': th.background,
		'--pp-text': th.text,
		'--pp-radius': `${th.radius}px`,
	};
	return (
		<section class="card" aria-labelledby="pp-preview-title">
			<h2 id="pp-preview-title">{t('Preview')}</h2>
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
							{texts.title}
						</p>
						<p class="pp-text" dir="auto">
							{texts.text}
						</p>
						{prompt.variant === 'categories' &&
							prompt.categories.map((c) => (
								<span key={c.id} class="pp-check" dir="auto">
									<i aria-hidden="true" /> {c.label}
								</span>
							))}
						<div class="pp-r">
							<span class="pp-btn" dir="auto">
								{texts.later}
							</span>
							<span class="pp-btn pp-a" dir="auto">
								{texts.subscribe}
							</span>
						</div>
					</div>
				</div>
				{prompt.bell.enabled && (
					<span
						class={`pp-bell${prompt.bell.position === 'bottom-left' ? ' left' : ''}`}
						title={texts.bellSubscribe}
					>
						<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
							<path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" />
						</svg>
					</span>
				)}
			</div>
			<p class="muted small">
				{sprintf(
					tn(
						'Shown %1$s; asked again after %2$s day when dismissed.',
						'Shown %1$s; asked again after %2$s days when dismissed.',
						prompt.laterDays,
					),
					describeTrigger(prompt.trigger, t, tn),
					prompt.laterDays,
				)}
			</p>
		</section>
	);
}

/** When the prompt shows, as the "Shown …" of the sentence under the preview. */
function describeTrigger(trigger: Prompt['trigger'], t: T, tn: Tn): string {
	switch (trigger.type) {
		case 'seconds':
			return sprintf(
				tn('after %s second on a page', 'after %s seconds on a page', trigger.value),
				trigger.value,
			);
		case 'pageviews':
			return sprintf(tn('after %s page view', 'after %s page views', trigger.value), trigger.value);
		case 'scroll':
			return sprintf(t('after scrolling %s%% of a page'), trigger.value);
		default:
			return t('only from a button or the bell');
	}
}
