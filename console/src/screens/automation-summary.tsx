import type { AutomationView, QuietHoursRule, SegmentView } from '#wire';
import { percent, sprintf, when } from '../ui/format';
import { useT } from '../ui/parts';
import { durationText, triggerDetails, triggerText, waitText } from './automation-words';
import { SavedMessageLine } from './saved-message-link';

type T = (text: string) => string;

function quietText(rule: QuietHoursRule | null | undefined, t: T): string {
	if (rule === undefined) return t('The site’s default');
	if (rule === null) return t('None');
	return sprintf(
		rule.action === 'delay' ? t('%1$s–%2$s, pushes wait for the end') : t('%1$s–%2$s, pushes are dropped'),
		rule.start,
		rule.end,
	);
}

/** What an automation does, as facts: trigger, steps, exit, goal, re-entry, control group and delivery. */
export function AutomationSummary({ a, segments }: { a: AutomationView; segments: SegmentView[] }) {
	const t = useT();
	const details = triggerDetails(a.trigger, t, segments);
	const exitSegment =
		a.exit.segment && (segments.find((s) => s.segmentId === a.exit.segment)?.name ?? a.exit.segment);
	const exits = [
		...a.exit.events,
		...(exitSegment ? [sprintf(t('leaving the segment %s'), exitSegment)] : []),
	];
	const audience = a.audience;
	const recipients = !audience
		? t('The person it happened to')
		: 'all' in audience && !audience.exclude
			? t('Everyone subscribed (a broadcast)')
			: 'segment' in audience && !audience.exclude
				? sprintf(
						t('The segment %s (a broadcast)'),
						segments.find((s) => s.segmentId === audience.segment)?.name ?? audience.segment,
					)
				: t('The audience set through the API (a broadcast)');
	return (
		<dl class="facts" data-testid="automation-summary">
			<dt>{t('Who gets it')}</dt>
			<dd data-testid="automation-recipients-text">
				{recipients}
				{audience && a.categoriesFrom && (
					<span class="muted small block">
						{sprintf(t('or the readers of the categories in %s, when the event names any'), a.categoriesFrom)}
					</span>
				)}
			</dd>
			<dt>{t('Trigger')}</dt>
			<dd data-testid="automation-trigger-text">
				{triggerText(a.trigger, t)}
				{details && <span class="muted small block">{details}</span>}
			</dd>
			<dt>{t('Steps')}</dt>
			<dd>
				<ol class="plain summary-steps">
					{a.steps.map((s, i) => (
						<li key={i} data-step={i}>
							<b>{sprintf(t('Step %d'), i + 1)}</b> <span class="muted">{waitText(s.wait, t)}:</span>{' '}
							<span dir="auto" class="title-text">
								{s.message.title}
							</span>
							{s.resource && <SavedMessageLine used={s.resource} />}
							{s.discountCode && (
								<span class="muted small block" data-testid="step-discount">
									{sprintf(t('Offers the discount code %s'), s.discountCode)}
								</span>
							)}
						</li>
					))}
				</ol>
			</dd>
			<dt>{t('Ends early on')}</dt>
			<dd>{exits.length ? exits.join(', ') : t('Nothing: only the last step ends it')}</dd>
			<dt>{t('Goal')}</dt>
			<dd data-testid="automation-goal">
				{a.goal
					? sprintf(
							t('%1$s within %2$s of the last push; revenue from %3$s'),
							a.goal.event,
							durationText(a.goal.windowSeconds),
							a.goal.valueProperty,
						)
					: t('None')}
			</dd>
			<dt>{t('Re-entry')}</dt>
			<dd>
				{a.reentryAfterSeconds === null
					? t('Never: once per person and key')
					: a.reentryAfterSeconds === 0
						? t('Again as soon as the last journey ended')
						: sprintf(t('Again %s after the last journey ended'), durationText(a.reentryAfterSeconds))}
			</dd>
			<dt>{t('Control group')}</dt>
			<dd>{a.holdoutPercent ? percent(a.holdoutPercent / 100) : t('None')}</dd>
			<dt>{t('Quiet hours')}</dt>
			<dd>{quietText(a.quietHours, t)}</dd>
			<dt>{t('Frequency cap')}</dt>
			<dd>{a.ignoreFrequencyCap ? t('Ignored (transactional)') : t('Applies')}</dd>
			<dt>{t('Time zone')}</dt>
			<dd>{a.timezone}</dd>
			<dt>{t('Updated')}</dt>
			<dd>{when(a.updatedAt)}</dd>
		</dl>
	);
}
