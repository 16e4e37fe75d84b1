import type {
	AutomationCondition,
	AutomationTrigger,
	AutomationWait,
	SegmentView,
	TemplateSource,
} from '#wire';
import { locale, sprintf } from '../ui/format';
import { OP_LABELS } from './condition-fields';

// Automations in words: the trigger, a wait, a duration, a template's sources; and their addresses.

type T = (text: string) => string;

/** The API path of an automation. */
export const automationPath = (id: string) => `/automations/${encodeURIComponent(id)}`;

/** The console address of an automation (its page, with the report). */
export const automationHref = (id: string) => `#/automations/${encodeURIComponent(id)}`;

/** Seconds in each unit the editor offers, largest first. */
export const UNITS = [
	['day', 86_400],
	['hour', 3_600],
	['minute', 60],
] as const;

/** A unit of a duration. */
export type Unit = (typeof UNITS)[number][0];

/** A count of a unit in the page's language, by Intl ("1 hour", "3 Tage"). */
export const unitText = (n: number, unit: Unit | 'second') =>
	new Intl.NumberFormat(locale(), { style: 'unit', unit, unitDisplay: 'long' }).format(n);

/** A duration in its largest whole unit ("1 hour", "3 days", "90 seconds"). */
export function durationText(seconds: number): string {
	const unit = UNITS.find(([, s]) => seconds > 0 && seconds % s === 0);
	return unit ? unitText(seconds / unit[1], unit[0]) : unitText(seconds, 'second');
}

const list = (items: string[]) => new Intl.ListFormat(locale(), { type: 'conjunction' }).format(items);

/** Alternatives in the page's language ("A, B or C"). */
export const anyOf = (items: string[]) =>
	new Intl.ListFormat(locale(), { type: 'disjunction' }).format(items);

/** A date trigger's date: the attribute, or "delivery_date of order_placed". */
function dateSource(trigger: Extract<AutomationTrigger, { type: 'date' }>, t: T): string {
	if (trigger.attribute) return trigger.attribute;
	return sprintf(t('%1$s of %2$s'), trigger.property ?? '', trigger.event ?? '');
}

/** What starts a journey, in one sentence ("When checkout_started is not followed by purchase within 1 hour"). */
export function triggerText(trigger: AutomationTrigger, t: T): string {
	switch (trigger.type) {
		case 'event':
			return sprintf(t('When %s happens'), trigger.event);
		case 'inaction':
			return sprintf(
				t('When %1$s is not followed by %2$s within %3$s'),
				trigger.event,
				trigger.without,
				durationText(trigger.withinSeconds),
			);
		case 'date': {
			const days = Math.abs(trigger.offsetDays);
			const source = dateSource(trigger, t);
			if (trigger.offsetDays === 0)
				return sprintf(t('On the date in %1$s, at %2$s local time'), source, trigger.at);
			return sprintf(
				trigger.offsetDays < 0
					? t('%1$s before the date in %2$s, at %3$s local time')
					: t('%1$s after the date in %2$s, at %3$s local time'),
				unitText(days, 'day'),
				source,
				trigger.at,
			);
		}
		default:
			return '';
	}
}

/** A property condition ("plan is not free"). */
export const conditionText = (c: AutomationCondition, t: T) =>
	[c.property, t(OP_LABELS[c.op] ?? c.op), c.op === 'exists' ? '' : String(c.value ?? '')].join(' ').trim();

/** The trigger's narrowing: its conditions, its segment (by name) and its key; '' when it has none. */
export function triggerDetails(trigger: AutomationTrigger, t: T, segments: SegmentView[]): string {
	const parts: string[] = [];
	if (trigger.where?.length)
		parts.push(sprintf(t('only when %s'), list(trigger.where.map((c) => conditionText(c, t)))));
	if ('segment' in trigger && trigger.segment) {
		const name = segments.find((s) => s.segmentId === trigger.segment)?.name ?? trigger.segment;
		parts.push(sprintf(t('only people in the segment %s'), name));
	}
	if (trigger.key) parts.push(sprintf(t('one journey per %s'), trigger.key));
	return parts.join('; ');
}

/** When a step sends: "At once", "1 day later", "At the next 09:00 local time". */
export function waitText(wait: AutomationWait | undefined, t: T): string {
	if (!wait || ('seconds' in wait && wait.seconds === 0)) return t('At once');
	if ('seconds' in wait) return sprintf(t('%s later'), durationText(wait.seconds));
	return sprintf(t('At the next %s local time'), wait.until);
}

/** Where a template works, in words: a host that records its events itself, or any site (sending them). */
export function sourceText(source: TemplateSource, t: T): string {
	switch (source) {
		case 'shopify':
			return t('Shopify (the app records its events)');
		case 'woocommerce':
			return t('WordPress with WooCommerce (the plugin records its events)');
		case 'wordpress':
			return t('WordPress (the plugin records its events)');
		default:
			return t('any site');
	}
}
