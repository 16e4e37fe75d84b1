import type { Audience, Category, SegmentView } from '#wire';
import { fmt, sprintf } from '../ui/format';
import type { Target } from './audience-picker';

/** What the audience picker holds: a target, its topics or segment, and a segment to leave out ('' = none). */
export interface AudienceChoice {
	target: Target;
	chosen: string[];
	segment: string;
	exclude: string;
}

/** Everyone, nobody left out. */
export const EVERYONE: AudienceChoice = { target: 'all', chosen: [], segment: '', exclude: '' };

/** The audience a choice sends to. */
export function audienceOf(c: AudienceChoice): Audience {
	const base: Audience =
		c.target === 'all'
			? { all: true }
			: c.target === 'categories'
				? { categories: c.chosen }
				: c.target === 'segment'
					? { segment: c.segment }
					: { test: true };
	const excluded = c.target !== 'test' && c.exclude ? c.exclude : '';
	return excluded ? { ...base, exclude: { segment: excluded } } : base;
}

/** Whether the choice names everything its target needs (a topic, a segment). */
export const isComplete = (c: AudienceChoice) =>
	(c.target !== 'categories' || c.chosen.length > 0) && (c.target !== 'segment' || c.segment !== '');

/**
 * The picker's choice for a stored audience, or null when the picker cannot show it (ids, a filter, an exclude
 * that is not one segment: audiences made through the API).
 */
export function choiceOf(a: Audience): AudienceChoice | null {
	let exclude = '';
	if (a.exclude) {
		if (!('segment' in a.exclude) || Object.keys(a.exclude).length !== 1) return null;
		exclude = a.exclude.segment;
	}
	if ('all' in a) return { ...EVERYONE, exclude };
	if ('categories' in a) return { ...EVERYONE, target: 'categories', chosen: a.categories, exclude };
	if ('segment' in a) return { ...EVERYONE, target: 'segment', segment: a.segment, exclude };
	if ('test' in a) return { ...EVERYONE, target: 'test' };
	return null;
}

/** What a choice's words need: translations, the active count and the names of topics and segments. */
export interface ChoiceWords {
	t: (text: string) => string;
	tn: (single: string, plural: string, n: number) => string;
	/** The active subscribers; undefined says "all subscribers" without a count (a campaign's run counts then). */
	active?: number | null;
	categories: Category[];
	segments: SegmentView[];
}

/** A choice in words, as a sentence's object: "the segment “Pro buyers”, except the segment “Churned”". */
export function choiceText(c: AudienceChoice, w: ChoiceWords): string {
	const { t, tn } = w;
	const segmentName = (id: string) => w.segments.find((s) => s.segmentId === id)?.name ?? id;
	const topics = c.chosen.map((id) => w.categories.find((x) => x.id === id)?.label ?? id).join(', ');
	const base =
		c.target === 'all' && w.active === undefined
			? t('all subscribers')
			: c.target === 'all'
				? sprintf(
						// English says "all 1 active subscribers" too; languages whose plural differs translate both.
						tn('all %s active subscribers', 'all %s active subscribers', w.active ?? 0),
						typeof w.active === 'number' ? fmt(w.active) : '…',
					)
				: c.target === 'categories'
					? sprintf(t('subscribers of %s'), topics || t('(no topic chosen)'))
					: c.target === 'segment'
						? sprintf(t('the segment “%s”'), c.segment ? segmentName(c.segment) : t('(none chosen)'))
						: t('the testers only');
	const excluded = c.target !== 'test' && c.exclude ? c.exclude : '';
	return excluded ? sprintf(t('%1$s, except the segment “%2$s”'), base, segmentName(excluded)) : base;
}
