import type { Category, SegmentView } from '#wire';
import { fmt, sprintf, value } from '../ui/format';
import { useT } from '../ui/parts';
import { type Estimate, Reach } from './reach';

/** Who a send goes to, as the picker chooses it. */
export type Target = 'all' | 'categories' | 'segment' | 'test';

/** Everyone, the subscribers of some topics, a saved segment or the testers; optionally minus a segment. */
export function AudiencePicker(props: {
	categories: Category[];
	active: number | null;
	target: Target;
	chosen: string[];
	onTarget: (target: Target) => void;
	onChosen: (chosen: string[]) => void;
	segments: SegmentView[];
	segment: string;
	onSegment: (segmentId: string) => void;
	exclude: string;
	onExclude: (segmentId: string) => void;
	estimate: Estimate;
}) {
	const { categories, target, chosen, segments } = props;
	const t = useT();
	const radio = (v: Target) => ({
		type: 'radio',
		name: 'audience',
		value: v,
		checked: target === v,
		onChange: () => props.onTarget(v),
	});
	return (
		<fieldset data-testid="audience">
			<legend>{t('Send to')}</legend>
			<label class="check">
				<input {...radio('all')} />
				{t('All subscribers')}{' '}
				{props.active !== null && <span class="muted">{sprintf(t('(%s active)'), fmt(props.active))}</span>}
			</label>
			<label class="check">
				<input {...radio('categories')} disabled={categories.length === 0} />
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
			<label class="check">
				<input {...radio('segment')} id="audience-segment" disabled={segments.length === 0} />
				<span>
					{t('A segment')}
					{segments.length === 0 && (
						<span class="hint">
							{' '}
							<a href="#/segments/new">{t('(create one in Segments)')}</a>
						</span>
					)}
				</span>
			</label>
			{target === 'segment' && (
				<label class="indent">
					{t('Segment')}
					<select id="audience-segment-id" value={props.segment} onChange={(e) => props.onSegment(value(e))}>
						{!props.segment && <option value="">{t('(choose)')}</option>}
						{segments.map((s) => (
							<option key={s.segmentId} value={s.segmentId}>
								{s.name}
							</option>
						))}
					</select>
				</label>
			)}
			<label class="check">
				<input {...radio('test')} />
				<span>
					{t('Testers only')} <span class="hint">{t('(subscribers marked as testers in Subscribers)')}</span>
				</span>
			</label>
			{segments.length > 0 && target !== 'test' && (
				<label>
					{t('Exclude a segment')} <span class="hint">{t('optional')}</span>
					<select id="audience-exclude" value={props.exclude} onChange={(e) => props.onExclude(value(e))}>
						<option value="">{t('(nobody)')}</option>
						{segments.map((s) => (
							<option key={s.segmentId} value={s.segmentId}>
								{s.name}
							</option>
						))}
					</select>
				</label>
			)}
			<Reach estimate={props.estimate} />
		</fieldset>
	);
}
