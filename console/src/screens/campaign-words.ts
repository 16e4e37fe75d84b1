import type { Audience, CampaignState, Category, SegmentView } from '#wire';
import { choiceOf, choiceText } from './audience-choice';
import { describeAudience } from './report';

/** States after which a campaign can no longer change. */
export const FINISHED: CampaignState[] = ['done', 'cancelled'];

/** States in which a campaign has runs to come (it cannot be deleted). */
export const ACTIVE: CampaignState[] = ['scheduled', 'running'];

/** The API path of a campaign. */
export const campaignPath = (id: string) => `/campaigns/${encodeURIComponent(id)}`;

/** The console address of a campaign. */
export const campaignHref = (id: string) => `#/campaigns/${encodeURIComponent(id)}`;

/** The console address of a run's results. */
export const runHref = (id: string, run: number) => `${campaignHref(id)}/runs/${run}`;

/** A campaign's audience in words, with the names of its topics and segments when the picker can show it. */
export function audienceWords(
	a: Audience,
	t: (text: string) => string,
	tn: (single: string, plural: string, n: number) => string,
	names: { categories: Category[]; segments: SegmentView[] },
): string {
	const choice = choiceOf(a);
	return choice ? choiceText(choice, { t, tn, ...names }) : describeAudience(a, t);
}
