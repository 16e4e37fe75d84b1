import { useState } from 'preact/hooks';
import type { FrequencyCap as Cap } from '#wire';
import { can, useConsole } from '../context';
import { locale, sprintf, value } from '../ui/format';
import { ErrorNote, useT, useTn } from '../ui/parts';
import { useSettingsPatch } from '../ui/settings-patch';
import { numberOf } from './timing-form';

/** The cap as the inputs hold it. */
const inputsOf = (cap: Cap | null) => ({
	on: cap !== null,
	perDay: cap?.perDay === undefined ? '' : String(cap.perDay),
	perWeek: cap?.perWeek === undefined ? '' : String(cap.perWeek),
});

/** The cap the inputs describe (null: no cap); a value that is no number goes as typed (the API's 400 names it). */
function capOf(f: ReturnType<typeof inputsOf>): Cap | null {
	if (!f.on) return null;
	const cap: Cap = {};
	if (f.perDay.trim()) cap.perDay = numberOf(f.perDay);
	if (f.perWeek.trim()) cap.perWeek = numberOf(f.perWeek);
	return cap;
}

/**
 * The site's frequency cap: at most so many campaign pushes per subscriber a day (their own calendar day) and a
 * rolling week. Editors change it; viewers read it.
 */
export function FrequencyCap() {
	const { site, token } = useConsole();
	const t = useT();
	const tn = useTn();
	const current = site.settings.campaigns?.frequencyCap ?? null;
	const [form, setForm] = useState(() => inputsOf(current));
	const { save: patch, busy, error } = useSettingsPatch();
	const mayEdit = can(token.role, 'editor');
	const changed = JSON.stringify(capOf(form)) !== JSON.stringify(current);

	const save = async (e: Event) => {
		e.preventDefault();
		const saved = await patch({ campaigns: { frequencyCap: capOf(form) } }, t('Frequency cap saved'));
		if (saved) setForm(inputsOf(saved.campaigns?.frequencyCap ?? null));
	};

	const parts: string[] = [];
	if (current?.perDay !== undefined)
		parts.push(
			sprintf(tn('%d campaign push a day', '%d campaign pushes a day', current.perDay), current.perDay),
		);
	if (current?.perWeek !== undefined)
		parts.push(
			sprintf(
				tn('%d campaign push in 7 days', '%d campaign pushes in 7 days', current.perWeek),
				current.perWeek,
			),
		);
	return (
		<form class="card form" onSubmit={save} aria-labelledby="cap-title" data-testid="frequency-cap">
			<h2 id="cap-title">{t('Frequency cap')}</h2>
			<p class="muted">
				{t(
					'At most this many campaign pushes per subscriber, per day in their own time zone and per 7 days. Single sends, tests and transactional campaigns are not counted.',
				)}
			</p>
			<p data-testid="cap-now">
				{current === null
					? t('Now: no cap.')
					: sprintf(
							t('Now: at most %s per subscriber.'),
							new Intl.ListFormat(locale(), { type: 'conjunction' }).format(parts),
						)}
			</p>
			{!mayEdit && <p class="notice notice-info">{t('Editors and admins change the frequency cap.')}</p>}
			<ErrorNote error={error} />
			<fieldset class="checks" disabled={!mayEdit}>
				<legend class="sr-only">{t('Frequency cap')}</legend>
				<label class="check">
					<input
						type="radio"
						name="cap-kind"
						id="cap-none"
						checked={!form.on}
						onChange={() => setForm({ ...form, on: false })}
					/>
					{t('No cap')}
				</label>
				<label class="check">
					<input
						type="radio"
						name="cap-kind"
						id="cap-on"
						checked={form.on}
						onChange={() => setForm({ ...form, on: true })}
					/>
					{t('Cap campaign pushes')}
				</label>
			</fieldset>
			{form.on && (
				<div class="row cap-row">
					<label>
						{t('Per day')} <span class="hint">{t('1–50')}</span>
						<input
							id="cap-per-day"
							type="number"
							min={1}
							max={50}
							step={1}
							disabled={!mayEdit}
							value={form.perDay}
							onInput={(e) => setForm({ ...form, perDay: value(e) })}
						/>
					</label>
					<label>
						{t('Per 7 days')} <span class="hint">{t('1–200')}</span>
						<input
							id="cap-per-week"
							type="number"
							min={1}
							max={200}
							step={1}
							disabled={!mayEdit}
							value={form.perWeek}
							onInput={(e) => setForm({ ...form, perWeek: value(e) })}
						/>
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
