import { StaffTabs } from '../staff/staff-tabs';
import { Screen, useT } from '../ui/parts';
import { ProfileCard } from './staff-profile';
import { StaffAlertSettings } from './staff-reminders';

/** The member's own profile, and the site's staff alert settings (admins change those). */
export function StaffSettingsScreen() {
	const t = useT();
	return (
		<Screen title={t('Profile and alert settings')}>
			<StaffTabs />
			<ProfileCard />
			<StaffAlertSettings />
		</Screen>
	);
}
