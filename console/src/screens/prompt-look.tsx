import type { Prompt } from '#wire';
import { sprintf, value } from '../ui/format';
import { useT } from '../ui/parts';

/** The bell (shown, where) and the theme (colours with a picker and a hex field, corner radius). */
export function PromptLook(props: {
	prompt: Prompt;
	update: (patch: Partial<Prompt>) => void;
	disabled: boolean;
}) {
	const { prompt: p, update } = props;
	const t = useT();
	const color = (key: 'accent' | 'background' | 'text', label: string) => (
		<label class="color">
			{label}
			<span class="row">
				<input
					type="color"
					aria-label={sprintf(t('%s (picker)'), label)}
					value={p.theme[key].length === 7 ? p.theme[key] : '#000000'}
					onInput={(e) => update({ theme: { ...p.theme, [key]: value(e) } })}
				/>
				<input
					id={`pp-${key}`}
					value={p.theme[key]}
					pattern="#[0-9a-fA-F]{3,8}"
					spellcheck={false}
					onInput={(e) => update({ theme: { ...p.theme, [key]: value(e) } })}
				/>
			</span>
		</label>
	);

	return (
		<>
			<fieldset disabled={props.disabled}>
				<legend>{t('Bell')}</legend>
				<label class="check">
					<input
						id="pp-bell"
						type="checkbox"
						checked={p.bell.enabled}
						onChange={(e) => update({ bell: { ...p.bell, enabled: (e.target as HTMLInputElement).checked } })}
					/>
					{t('Show the bell')}
				</label>
				<label>
					{t('Position')}
					<select
						id="pp-bell-position"
						value={p.bell.position}
						onChange={(e) =>
							update({ bell: { ...p.bell, position: value(e) as Prompt['bell']['position'] } })
						}
					>
						<option value="bottom-right">{t('Bottom right')}</option>
						<option value="bottom-left">{t('Bottom left')}</option>
					</select>
				</label>
			</fieldset>
			<fieldset disabled={props.disabled}>
				<legend>{t('Theme')}</legend>
				<div class="row">
					{color('accent', t('Accent'))}
					{color('background', t('Background'))}
					{color('text', t('Text colour'))}
				</div>
				<label>
					{t('Corner radius (px)')}
					<input
						id="pp-radius"
						type="number"
						min={0}
						max={32}
						value={p.theme.radius}
						onInput={(e) => update({ theme: { ...p.theme, radius: Number(value(e)) } })}
					/>
				</label>
			</fieldset>
		</>
	);
}
