import type { Message } from '#wire';
import { browserZone, type ScheduleForm } from './schedule-form';

// What the campaign editor sends: small rules on top of each step's own form.

/** Labels typed comma-separated, without blanks or repeats. */
export const labelsOf = (text: string) => [...new Set(text.split(',').map((l) => l.trim()))].filter(Boolean);

/** The message fields the form does not show (kept as they are when a campaign made through the API is saved). */
export const extrasOf = ({ requireInteraction, tag, badge }: Message): Partial<Message> =>
	JSON.parse(JSON.stringify({ requireInteraction, tag, badge }));

/** The zone delivery options default to: the recurrence's, else the browser's. */
export const zoneOf = (s: ScheduleForm) => (s.kind === 'recurring' && s.timezone.trim()) || browserZone();

/**
 * A part of the campaign to send: a new campaign gets it when it says something, a saved one when it changed since
 * the last save (`saved`: its JSON then).
 */
export const sendIf = <T extends object>(key: string, part: T, saved: string | null) =>
	(saved === null ? Object.keys(part).length > 0 : JSON.stringify(part) !== saved) ? { [key]: part } : {};
