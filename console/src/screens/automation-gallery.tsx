import type { AutomationTemplate, AutomationTrigger } from '#wire';
import { can, useConsole } from '../context';
import { fmt, sprintf } from '../ui/format';
import { ErrorNote, Screen, useLoad, useT, useTn } from '../ui/parts';
import { anyOf, sourceText, triggerText } from './automation-words';

/** The ready-made automations (GET /automation-templates); with `wanted` false, nothing is fetched (null). */
export function useTemplates(wanted = true) {
	const { api } = useConsole();
	return useLoad(
		async () =>
			wanted
				? (await api.call<{ templates: AutomationTemplate[] }>('/automation-templates')).templates
				: null,
		[wanted],
	);
}

/** The console address of the editor with a template's copy. */
export const templateHref = (id: string) => `#/automations/new?template=${encodeURIComponent(id)}`;

/** One template: what it does, how it starts, its steps, where it works, and the button to copy it. */
function TemplateCard({ template: x, mayEdit }: { template: AutomationTemplate; mayEdit: boolean }) {
	const t = useT();
	const tn = useTn();
	const trigger = x.body.trigger as AutomationTrigger | undefined;
	const steps = Array.isArray(x.body.steps) ? x.body.steps.length : 0;
	const titleId = `template-${x.id}-title`;
	return (
		<li class="card template" data-template={x.id}>
			<h2 id={titleId}>{x.name}</h2>
			<p>{x.description}</p>
			<dl class="facts">
				<dt>{t('Starts')}</dt>
				<dd data-testid="template-trigger">{trigger ? triggerText(trigger, t) : '–'}</dd>
				<dt>{t('Steps')}</dt>
				<dd>{sprintf(tn('%d push', '%d pushes', steps), steps)}</dd>
				<dt>{t('Works on')}</dt>
				<dd data-testid="template-sources">{anyOf(x.sources.map((s) => sourceText(s, t)))}</dd>
			</dl>
			{mayEdit && (
				<a
					class="button primary"
					href={templateHref(x.id)}
					aria-describedby={titleId}
					data-testid="use-template"
				>
					{t('Use this')}
				</a>
			)}
		</li>
	);
}

/** The template gallery: a card per ready-made automation; "Use this" opens the editor with a copy. */
export function AutomationGallery() {
	const { token } = useConsole();
	const t = useT();
	const [templates, error] = useTemplates();
	const mayEdit = can(token.role, 'editor');
	return (
		<Screen
			title={t('Automation templates')}
			actions={<a href="#/automations">{t('Back to automations')}</a>}
		>
			<p class="muted">
				{t(
					'Ready-made automations for a shop. Each is a copy to change before it is saved, and stays off until you turn it on. Events a host does not record, your site sends through the events API.',
				)}
			</p>
			<ErrorNote error={error} />
			{!templates ? (
				!error && <p class="loading">{t('Loading…')}</p>
			) : (
				<ul
					class="plain templates"
					data-testid="templates"
					aria-label={sprintf(t('%s templates'), fmt(templates.length))}
				>
					{templates.map((x) => (
						<TemplateCard key={x.id} template={x} mayEdit={mayEdit} />
					))}
				</ul>
			)}
		</Screen>
	);
}
