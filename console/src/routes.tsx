import { useRoute } from './router';
import { ApiKeys } from './screens/api-keys';
import { AutomationEditor } from './screens/automation-editor';
import { AutomationGallery } from './screens/automation-gallery';
import { AutomationPage } from './screens/automation-page';
import { Automations } from './screens/automations';
import { CampaignCalendar } from './screens/campaign-calendar';
import { CampaignPage } from './screens/campaign-detail';
import { CampaignEditor } from './screens/campaign-editor';
import { CampaignRunReport } from './screens/campaign-report';
import { Campaigns } from './screens/campaigns';
import { Composer } from './screens/composer';
import { DataMoves } from './screens/data-moves';
import { DataRequests } from './screens/data-requests';
import { History } from './screens/history';
import { Overview } from './screens/overview';
import { PromptSettings } from './screens/prompt-settings';
import { Report } from './screens/report';
import { ResourceEditor } from './screens/resource-editor';
import { ResourceVersion } from './screens/resource-version';
import { Resources } from './screens/resources';
import { SegmentEdit, Segments } from './screens/segments';
import { StaffAlerts } from './screens/staff-alerts';
import { StaffDevices } from './screens/staff-devices';
import { StaffOutbox } from './screens/staff-outbox';
import { StaffPreferencesScreen } from './screens/staff-preferences';
import { StaffSettingsScreen } from './screens/staff-settings';
import { StaffTeams } from './screens/staff-teams';
import { SubscriberDetail } from './screens/subscriber-detail';
import { Subscribers } from './screens/subscribers';
import { UserPage } from './screens/user';
import { Webhooks } from './screens/webhooks';
import { sprintfNodes } from './ui/format';
import { Screen, useT } from './ui/parts';

/** The screen for the current hash. */
export function Routes() {
	const { screen, id, sub, item, params } = useRoute();
	const t = useT();
	switch (screen) {
		case 'overview':
			return <Overview />;
		case 'send':
			return <Composer />;
		case 'campaigns':
			if (!id) return <Campaigns />;
			if (id === 'calendar') return <CampaignCalendar param={params.get('month')} />;
			if (sub === 'runs' && item) return <CampaignRunReport key={`${id}-${item}`} id={id} run={item} />;
			return id === 'new' || sub === 'edit' ? (
				<CampaignEditor key={`edit-${id}`} id={id} />
			) : (
				<CampaignPage key={id} id={id} />
			);
		case 'automations':
			if (!id) return <Automations />;
			if (id === 'templates') return <AutomationGallery />;
			return id === 'new' || sub === 'edit' ? (
				<AutomationEditor
					key={`edit-${id}-${params.get('template')}`}
					id={id}
					template={params.get('template')}
				/>
			) : (
				<AutomationPage key={id} id={id} />
			);
		case 'messages':
			if (!id) return <Resources />;
			if (sub === 'versions' && item) return <ResourceVersion key={`${id}-${item}`} id={id} version={item} />;
			return <ResourceEditor key={id} id={id} />;
		case 'notifications':
			return id ? <Report key={id} id={id} /> : <History />;
		case 'subscribers':
			return id ? (
				<SubscriberDetail key={id} id={id} />
			) : (
				<Subscribers key={params.get('segment') ?? ''} segment={params.get('segment') ?? ''} />
			);
		case 'segments':
			return id ? <SegmentEdit key={id} id={id} /> : <Segments />;
		case 'users':
			return id ? <UserPage key={id} id={id} /> : <Subscribers segment="" />;
		case 'settings/prompt':
			return <PromptSettings />;
		case 'settings/api-keys':
			return <ApiKeys />;
		case 'settings/webhooks':
			return <Webhooks />;
		case 'settings/data':
			return <DataMoves />;
		case 'alerts':
			if (id === 'preferences') return <StaffPreferencesScreen />;
			if (id === 'devices') return <StaffDevices />;
			if (id === 'teams') return <StaffTeams />;
			if (id === 'settings') return <StaffSettingsScreen />;
			if (id === 'outbox') return <StaffOutbox />;
			return <StaffAlerts />;
		case 'data-requests':
			return <DataRequests />;
		default:
			return (
				<Screen title={t('Not found')}>
					<p>
						{sprintfNodes(
							t('This page does not exist. %s.'),
							<a href="#/overview">{t('Go to the overview')}</a>,
						)}
					</p>
				</Screen>
			);
	}
}
