import { useState } from 'preact/hooks';
import type { SiteView } from '#wire';
import { sprintf } from '../ui/format';
import { useT } from '../ui/parts';
import { type Fields, previewOf } from './draft';
import { letter, type VariantForm, variantFields } from './experiment-form';
import { NotificationPreview } from './preview';

/** The campaign's preview; with A/B variants, a switch shows each variant's message (the campaign's, merged). */
export function CampaignPreview(props: {
	fields: Fields;
	variants: VariantForm[];
	fill: (text: string) => string;
	site: SiteView;
}) {
	const t = useT();
	const [picked, setPicked] = useState(0);
	const { variants } = props;
	const shown = Math.min(picked, Math.max(0, variants.length - 1));
	const variant = variants[shown];
	const name = (v: VariantForm, i: number) => v.name || letter(i);
	return (
		<NotificationPreview
			draft={previewOf(variantFields(props.fields, variant), props.fill, props.site)}
			heading={variant ? sprintf(t('Preview of variant %s'), name(variant, shown)) : undefined}
		>
			{variants.length > 0 && (
				<fieldset class="segmented" data-testid="preview-variants">
					<legend class="sr-only">{t('Variant to preview')}</legend>
					{variants.map((v, i) => (
						<button key={i} type="button" aria-pressed={i === shown} onClick={() => setPicked(i)} dir="auto">
							{name(v, i)}
						</button>
					))}
				</fieldset>
			)}
		</NotificationPreview>
	);
}
