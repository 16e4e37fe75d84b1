import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ConsoleToken, Role, SiteView, StaffView } from '#wire';
import type { Api } from './api';
import type { Host } from './hosts/host';

/** What every screen gets: the API client, the host, the signed-in staff's token and the site. */
export interface Console {
	api: Api;
	host: Host;
	token: ConsoleToken;
	site: SiteView;
	/** Replaces the site after an edit (prompt settings). */
	setSite(site: SiteView): void;
	/** The signed-in staff member as saved (their own name may differ from the host's); null if it could not load. */
	me: StaffView | null;
	/** Replaces the member after they edit their profile. */
	setMe(me: StaffView): void;
}

export const ConsoleContext = createContext<Console | null>(null);

/** The host, for its translations: provided around the whole app, sign-in and notices included. */
export const HostContext = createContext<Host | null>(null);

/** The console context; only used inside the signed-in shell. */
export function useConsole(): Console {
	const ctx = useContext(ConsoleContext);
	if (!ctx) throw new Error('useConsole outside the console shell');
	return ctx;
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** Whether a role may do what `needed` may. */
export const can = (role: Role, needed: Role) => RANK[role] >= RANK[needed];
