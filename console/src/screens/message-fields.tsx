import { useConsole } from '../context';
import { sprintf, value } from '../ui/format';
import { useT } from '../ui/parts';
import type { Fields } from './draft';

/** A field of the form an API error can point at. */
export type FieldName = 'title' | 'body' | 'url' | 'icon' | 'image' | 'buttons';

/** A field's error under it, announced; its id is what the input's aria-describedby names. */
export function FieldError({ id, error }: { id: string; error: string | undefined }) {
	if (!error) return null;
	return (
		<span class="field-error" id={id} role="alert" data-testid="field-error">
			{error}
		</span>
	);
}

/**
 * Title, message, link (with the host's picker), icon, image and up to two buttons. `prefix` keeps ids apart when
 * the form appears more than once; with `inherit` (a language variant) every field is optional and shows what it
 * inherits as its placeholder; `errors` are the API's, shown at their field.
 */
export function MessageFields({
	fields,
	set,
	prefix = '',
	inherit,
	errors = {},
}: {
	fields: Fields;
	set: (patch: Partial<Fields>) => void;
	prefix?: string;
	inherit?: Fields | undefined;
	errors?: Partial<Record<FieldName, string>>;
}) {
	const { host } = useConsole();
	const t = useT();
	const id = (name: string) => `${prefix}${name}`;
	const invalid = (name: FieldName) =>
		errors[name] ? { 'aria-invalid': true, 'aria-describedby': id(`${name}-error`) } : {};
	const url = (name: 'url' | 'icon' | 'image') => inherit?.[name] || 'https://';
	return (
		<>
			<label>
				{t('Title')}
				<input
					id={id('title')}
					required={!inherit}
					maxLength={200}
					dir="auto"
					placeholder={inherit?.title}
					value={fields.title}
					onInput={(e) => set({ title: value(e) })}
					{...invalid('title')}
				/>
				<FieldError id={id('title-error')} error={errors.title} />
			</label>
			<label>
				{t('Message')}
				<textarea
					id={id('body')}
					rows={3}
					maxLength={1000}
					dir="auto"
					placeholder={inherit?.body}
					value={fields.body}
					onInput={(e) => set({ body: value(e) })}
					{...invalid('body')}
				/>
				<FieldError id={id('body-error')} error={errors.body} />
			</label>
			<div class="label">
				<label for={id('url')}>
					{t('Link')}{' '}
					<span class="hint">{t('where a click goes; empty = the page each subscriber last visited')}</span>
				</label>
				<div class="row">
					<input
						id={id('url')}
						type="url"
						placeholder={url('url')}
						value={fields.url}
						onInput={(e) => set({ url: value(e) })}
						{...invalid('url')}
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
				<FieldError id={id('url-error')} error={errors.url} />
			</div>
			<div class="row">
				<label>
					{t('Icon')} <span class="hint">{t('optional, square')}</span>
					<input
						id={id('icon')}
						type="url"
						placeholder={url('icon')}
						value={fields.icon}
						onInput={(e) => set({ icon: value(e) })}
						{...invalid('icon')}
					/>
					<FieldError id={id('icon-error')} error={errors.icon} />
				</label>
				<label>
					{t('Image')} <span class="hint">{t('optional; large in Chrome')}</span>
					<input
						id={id('image')}
						type="url"
						placeholder={url('image')}
						value={fields.image}
						onInput={(e) => set({ image: value(e) })}
						{...invalid('image')}
					/>
					<FieldError id={id('image-error')} error={errors.image} />
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
								id={id(`button-${i + 1}-title`)}
								maxLength={40}
								dir="auto"
								placeholder={inherit?.buttons[i]?.title}
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
								id={id(`button-${i + 1}-url`)}
								type="url"
								placeholder={inherit?.buttons[i]?.url || 'https://'}
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
				{inherit && fields.buttons.length === 0 && (
					<p class="hint">
						{inherit.buttons.length
							? sprintf(t('Same as the default: %s'), inherit.buttons.map((b) => b.title).join(' · '))
							: t('None, as in the default.')}
					</p>
				)}
				<FieldError id={id('buttons-error')} error={errors.buttons} />
				{fields.buttons.length < 2 && (
					<button type="button" onClick={() => set({ buttons: [...fields.buttons, { title: '', url: '' }] })}>
						{t('Add a button')}
					</button>
				)}
			</fieldset>
		</>
	);
}
