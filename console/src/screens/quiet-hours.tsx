import { useState } from 'preact/hooks';
import type { QuietHoursRule } from '#wire';
import { can, useConsole } from '../context';
import { sprintf, value } from '../ui/format';
import { ErrorNote, useT } from '../ui/parts';
import { useSettingsPatch } from '../ui/settings-patch';

const inputsOf = (rule: QuietHoursRule | null) => ({
	on: rule !== null,
	start: rule?.start ?? '21:00',
	end: rule?.end ?? '08:00',
	action: rule?.action ?? 'delay',
});

const ruleOf = (f: ReturnType<typeof inputsOf>): QuietHoursRule | null =>
	f.on ? { start: f.start, end: f.end, action: f.action } : null;

/**
 * The site's default quiet hours for campaigns (in each subscriber's own time zone): pushes that would arrive in
 * the window wait for its end, or are dropped. A campaign's own quiet hours replace them. Editors change them.
 */
export function QuietHoursDefault() {
	const { site, token } = useConsole();
	const t = useT();
	const current = site.settings.campaigns?.quietHours ?? null;
	const [form, setForm] = useState(() => inputsOf(current));
	const { save: patch, busy, error } = useSettingsPatch();
	const mayEdit = can(token.role, 'editor');
	const changed = JSON.stringify(ruleOf(form)) !== JSON.stringify(current);

	const save = async (e: Event) => {
		e.preventDefault();
		const saved = await patch({ campaigns: { quietHours: ruleOf(form) } }, t('Quiet hours saved'));
		if (saved) setForm(inputsOf(saved.campaigns?.quietHours ?? null));
	};

	return (
		<form class="card form" onSubmit={save} aria-labelledby="quiet-title" data-testid="quiet-hours">
			<h2 id="quiet-title">{t('Quiet hours')}</h2>
			<p class="muted">
				{t(
					"No campaign pushes in this window of each subscriber's own time; a campaign with quiet hours of its own uses those instead.",
				)}
			</p>
			<p data-testid="quiet-now">
				{current === null
					? t('Now: no quiet hours.')
					: sprintf(
							current.action === 'delay'
								? t('Now: quiet from %1$s to %2$s; pushes wait for the end.')
								: t('Now: quiet from %1$s to %2$s; pushes in it are dropped.'),
							current.start,
							current.end,
						)}
			</p>
			<ErrorNote error={error} />
			<fieldset class="checks" disabled={!mayEdit}>
				<legend class="sr-only">{t('Quiet hours')}</legend>
				<label class="check">
					<input
						type="radio"
						name="quiet-kind"
						id="quiet-none"
						checked={!form.on}
						onChange={() => setForm({ ...form, on: false })}
					/>
					{t('No quiet hours')}
				</label>
				<label class="check">
					<input
						type="radio"
						name="quiet-kind"
						id="quiet-on"
						checked={form.on}
						onChange={() => setForm({ ...form, on: true })}
					/>
					{t('Quiet hours every day')}
				</label>
			</fieldset>
			{form.on && (
				<div class="row cap-row">
					<label>
						{t('From')}
						<input
							id="quiet-start"
							type="time"
							required
							disabled={!mayEdit}
							value={form.start}
							onInput={(e) => setForm({ ...form, start: value(e) })}
						/>
					</label>
					<label>
						{t('Until')}
						<input
							id="quiet-end"
							type="time"
							required
							disabled={!mayEdit}
							value={form.end}
							onInput={(e) => setForm({ ...form, end: value(e) })}
						/>
					</label>
					<label>
						{t('Pushes in the window')}
						<select
							id="quiet-action"
							disabled={!mayEdit}
							value={form.action}
							onChange={(e) => setForm({ ...form, action: value(e) === 'discard' ? 'discard' : 'delay' })}
						>
							<option value="delay">{t('wait for the end')}</option>
							<option value="discard">{t('are dropped')}</option>
						</select>
					</label>
				</div>
			)}
			{mayEdit && (
				<div class="actions">
					<button type="submit" class="primary" disabled={busy || !changed}>
						{busy ? t('Saving…') : t('Save')}
					</button>
				</div>
			)}
		</form>
	);
}
