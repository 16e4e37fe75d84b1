import type { Category } from '#wire';
import { fmt, sprintf } from '../ui/format';
import { useT } from '../ui/parts';

/** Everyone, or the subscribers of some of the site's topics. */
export function AudiencePicker(props: {
	categories: Category[];
	active: number | null;
	target: 'all' | 'categories';
	chosen: string[];
	onTarget: (target: 'all' | 'categories') => void;
	onChosen: (chosen: string[]) => void;
}) {
	const { categories, target, chosen } = props;
	const t = useT();
	return (
		<fieldset>
			<legend>{t('Send to')}</legend>
			<label class="check">
				<input
					type="radio"
					name="audience"
					value="all"
					checked={target === 'all'}
					onChange={() => props.onTarget('all')}
				/>
				{t('All subscribers')}{' '}
				{props.active !== null && <span class="muted">{sprintf(t('(%s active)'), fmt(props.active))}</span>}
			</label>
			<label class="check">
				<input
					type="radio"
					name="audience"
					value="categories"
					checked={target === 'categories'}
					disabled={categories.length === 0}
					onChange={() => props.onTarget('categories')}
				/>
				<span>
					{t('Subscribers of some topics')}
					{categories.length === 0 && <span class="hint"> {t('(add topics in Prompt & widget)')}</span>}
				</span>
			</label>
			{target === 'categories' && (
				<div class="topics-pick">
					{categories.map((c) => (
						<label class="check" key={c.id}>
							<input
								type="checkbox"
								checked={chosen.includes(c.id)}
								onChange={(e) =>
									props.onChosen(
										(e.target as HTMLInputElement).checked
											? [...chosen, c.id]
											: chosen.filter((x) => x !== c.id),
									)
								}
							/>
							<span dir="auto">{c.label}</span>
						</label>
					))}
				</div>
			)}
		</fieldset>
	);
}
