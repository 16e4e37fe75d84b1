import { useConsole } from '../context';
import { sprintf, value } from '../ui/format';
import { useT } from '../ui/parts';
import type { Fields } from './draft';

/** Title, message, link (with the host's picker), icon, image and up to two buttons. */
export function MessageFields({ fields, set }: { fields: Fields; set: (patch: Partial<Fields>) => void }) {
	const { host } = useConsole();
	const t = useT();
	return (
		<>
			<label>
				{t('Title')}
				<input
					id="title"
					required
					maxLength={200}
					dir="auto"
					value={fields.title}
					onInput={(e) => set({ title: value(e) })}
				/>
			</label>
			<label>
				{t('Message')}
				<textarea
					id="body"
					rows={3}
					maxLength={1000}
					dir="auto"
					value={fields.body}
					onInput={(e) => set({ body: value(e) })}
				/>
			</label>
			<div class="label">
				<label for="url">
					{t('Link')}{' '}
					<span class="hint">{t('where a click goes; empty = the page each subscriber last visited')}</span>
				</label>
				<div class="row">
					<input
						id="url"
						type="url"
						placeholder="https://"
						value={fields.url}
						onInput={(e) => set({ url: value(e) })}
					/>
					{host.pickLink &&
						(['product', 'collection'] as const).map((kind) => (
							<button
								key={kind}
								type="button"
								onClick={async () => {
									const link = await host.pickLink?.(kind);
									if (link)
										set({
											url: link.url,
											title: fields.title || link.title,
											image: fields.image || (link.image ?? ''),
										});
								}}
							>
								{kind === 'product' ? t('Pick a product') : t('Pick a collection')}
							</button>
						))}
				</div>
			</div>
			<div class="row">
				<label>
					{t('Icon')} <span class="hint">{t('optional, square')}</span>
					<input
						id="icon"
						type="url"
						placeholder="https://"
						value={fields.icon}
						onInput={(e) => set({ icon: value(e) })}
					/>
				</label>
				<label>
					{t('Image')} <span class="hint">{t('optional; large in Chrome')}</span>
					<input
						id="image"
						type="url"
						placeholder="https://"
						value={fields.image}
						onInput={(e) => set({ image: value(e) })}
					/>
				</label>
			</div>
			<fieldset>
				<legend>
					{t('Buttons')} <span class="hint">{t('up to 2')}</span>
				</legend>
				{fields.buttons.map((b, i) => (
					<div class="row button-row" key={i}>
						<label>
							{sprintf(t('Button %d label'), i + 1)}
							<input
								id={`button-${i + 1}-title`}
								maxLength={40}
								dir="auto"
								value={b.title}
								onInput={(e) =>
									set({
										buttons: fields.buttons.map((x, j) => (j === i ? { ...x, title: value(e) } : x)),
									})
								}
							/>
						</label>
						<label>
							{sprintf(t('Button %d link'), i + 1)} <span class="hint">{t('optional')}</span>
							<input
								id={`button-${i + 1}-url`}
								type="url"
								placeholder="https://"
								value={b.url}
								onInput={(e) =>
									set({ buttons: fields.buttons.map((x, j) => (j === i ? { ...x, url: value(e) } : x)) })
								}
							/>
						</label>
						<button
							type="button"
							class="link"
							onClick={() => set({ buttons: fields.buttons.filter((_, j) => j !== i) })}
						>
							{sprintf(t('Remove button %d'), i + 1)}
						</button>
					</div>
				))}
				{fields.buttons.length < 2 && (
					<button type="button" onClick={() => set({ buttons: [...fields.buttons, { title: '', url: '' }] })}>
						{t('Add a button')}
					</button>
				)}
			</fieldset>
		</>
	);
}
