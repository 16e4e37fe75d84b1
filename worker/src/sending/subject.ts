import { validateVapidSubject } from '../push/vapid';

/** The contact pushes name when neither VAPID_SUBJECT nor the site's home page is one Apple accepts. */
export const FALLBACK_VAPID_SUBJECT = 'mailto:webpush@example.com';

/** The `sub` a site's pushes carry, and why it is not the operator's own contact when it is not. */
export interface VapidSubjectChoice {
	subject: string;
	warning: string | null;
}

/**
 * Picks a VAPID subject no push service rejects: VAPID_SUBJECT when it is valid, else the site's home page
 * (upgraded to https, since Apple refuses http), else {@link FALLBACK_VAPID_SUBJECT}. Anything but the operator's
 * own valid VAPID_SUBJECT or an https home page comes with a warning to show at site creation.
 */
export function chooseVapidSubject(configured: string | null, homeUrl: string): VapidSubjectChoice {
	const problem = configured ? validateVapidSubject(configured) : null;
	if (configured && !problem) return { subject: configured, warning: null };
	const unset = configured
		? `VAPID_SUBJECT "${configured}" is unusable (${problem})`
		: 'VAPID_SUBJECT is not set';
	let home: URL | null = null;
	try {
		home = new URL(homeUrl);
	} catch {
		home = null;
	}
	if (home) {
		const candidate = `https://${home.host}/`;
		if (!validateVapidSubject(candidate)) {
			const subject = home.protocol === 'https:' ? home.href : candidate;
			const quiet = !configured && home.protocol === 'https:';
			return {
				subject,
				warning: quiet ? null : `${unset}; pushes name the site's address ${subject} as their contact.`,
			};
		}
	}
	return {
		subject: FALLBACK_VAPID_SUBJECT,
		warning: `${unset} and the home page ${homeUrl} is not a public https address that push services accept as a contact; pushes name ${FALLBACK_VAPID_SUBJECT} until VAPID_SUBJECT is set to a mailto: or https: contact you own.`,
	};
}
