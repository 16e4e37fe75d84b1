import { useState } from 'preact/hooks';
import type { AutomationView } from '#wire';
import { messageOf } from '../api-error';
import { can, useConsole } from '../context';
import { checked, sprintf } from '../ui/format';
import { useT } from '../ui/parts';
import { automationPath } from './automation-words';

/**
 * An automation's on/off switch (a checkbox with the switch role, named by the automation): it calls enable or
 * disable and reports the automation as it then is. Off stops every journey under way.
 */
export function AutomationSwitch(props: {
	automation: AutomationView;
	onChange: (a: AutomationView) => void;
	/** Words beside it instead of "On" / "Off". */
	words?: [on: string, off: string];
}) {
	const { api, token, host } = useConsole();
	const t = useT();
	const [busy, setBusy] = useState(false);
	const a = props.automation;
	const mayEdit = can(token.role, 'editor');
	const [on, off] = props.words ?? [t('On'), t('Off')];

	const flip = async (enable: boolean) => {
		setBusy(true);
		try {
			const next = await api.call<AutomationView>(
				`${automationPath(a.automationId)}/${enable ? 'enable' : 'disable'}`,
				{
					method: 'POST',
				},
			);
			host.toast(sprintf(enable ? t('%s is on') : t('%s is off'), a.name));
			props.onChange(next);
		} catch (e) {
			host.toast(messageOf(e, t), true);
		} finally {
			setBusy(false);
		}
	};

	return (
		<label class="switch" data-testid="automation-switch" data-on={String(a.enabled)}>
			<input
				type="checkbox"
				role="switch"
				aria-label={a.name}
				aria-checked={a.enabled}
				checked={a.enabled}
				disabled={!mayEdit || busy}
				title={mayEdit ? undefined : t('Editors and admins turn automations on and off')}
				onChange={(e) => void flip(checked(e))}
			/>
			<span class="switch-text" aria-hidden="true">
				{a.enabled ? on : off}
			</span>
		</label>
	);
}
