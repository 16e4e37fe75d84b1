import type { StaffSettings } from '#wire';
import { DEFAULT_REMINDER_MINUTES } from '../staff/rules';

// The site-wide staff alert settings (`settings.staff` of a site). The site's settings in D1 are their home; the
// site's store keeps a copy of the reminder interval for its alarm (see SiteStore.setReminderMinutes).

/** The longest interval between unread-reminder emails: a day. */
export const MAX_REMINDER_MINUTES = 1440;

/** Whether a value is a reminder interval the worker takes: whole minutes from 1 to a day. */
export function isReminderMinutes(value: unknown): value is number {
	return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_REMINDER_MINUTES;
}

/** A site's staff settings, the default filled in (a value out of range reads as the default). */
export function staffSettingsOf(settings: Record<string, unknown>): StaffSettings {
	const stored = settings.staff as { reminderMinutes?: unknown } | undefined;
	const minutes = stored?.reminderMinutes;
	return { reminderMinutes: isReminderMinutes(minutes) ? minutes : DEFAULT_REMINDER_MINUTES };
}
