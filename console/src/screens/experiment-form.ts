import type { CampaignExperiment, Message } from '#wire';
import type { Fields } from './draft';
import { numberOf } from './timing-form';

// A campaign's experiment (control group, A/B variants, conversion goal) as the editor's inputs hold it, and its
// conversion to and from the API's experiment. Variant A is the campaign's message; the others change its title
// and text. Fields a variant changes that the form does not show (made through the API) are kept as they are.

/** Up to this many variants (the API's limit). */
export const MAX_VARIANTS = 5;

/** One variant's inputs. */
export interface VariantForm {
	name: string;
	weight: string;
	/** '' = the campaign's. */
	title: string;
	body: string;
	/** The other message fields it changes. */
	kept: Partial<Message>;
}

/** The editor's experiment inputs. */
export interface ExperimentForm {
	holdoutOn: boolean;
	holdout: string;
	/** None, or 2–5. */
	variants: VariantForm[];
	goalOn: boolean;
	goalEvent: string;
	goalWindow: string;
	goalRevenue: string;
}

/** A variant's default name: A, B, C… */
export const letter = (i: number) => String.fromCharCode(65 + i);

/** A new variant, named by the first free letter. */
export function newVariant(taken: VariantForm[]): VariantForm {
	const names = new Set(taken.map((v) => v.name));
	let i = taken.length;
	while (names.has(letter(i))) i++;
	return { name: letter(i), weight: '1', title: '', body: '', kept: {} };
}

/** The form for a stored experiment (none: everything off, with defaults in the inputs). */
export function experimentFormOf(e: CampaignExperiment | null): ExperimentForm {
	const x = e ?? {};
	return {
		holdoutOn: x.holdoutPercent !== undefined,
		holdout: String(x.holdoutPercent ?? 10),
		variants: (x.variants ?? []).map((v) => {
			const { title = '', body = '', ...kept } = v.message ?? {};
			return { name: v.name, weight: String(v.weight), title, body, kept };
		}),
		goalOn: x.goal !== undefined,
		goalEvent: x.goal?.event ?? 'purchase',
		goalWindow: String(x.goal?.windowHours ?? 72),
		goalRevenue: x.goal?.revenueProperty ?? '',
	};
}

/** The fields of the campaign's message a variant changes. */
function changes(v: VariantForm): Partial<Message> {
	const m: Partial<Message> = { ...v.kept };
	if (v.title.trim()) m.title = v.title;
	if (v.body.trim()) m.body = v.body;
	return m;
}

/** The experiment the form describes, with only what is turned on. */
export function experimentOf(f: ExperimentForm): CampaignExperiment {
	const e: CampaignExperiment = {};
	if (f.holdoutOn) e.holdoutPercent = numberOf(f.holdout);
	if (f.variants.length > 0)
		e.variants = f.variants.map((v) => {
			const message = changes(v);
			return {
				...(v.name.trim() ? { name: v.name.trim() } : {}),
				weight: numberOf(v.weight),
				...(Object.keys(message).length > 0 ? { message } : {}),
			} as { name: string; weight: number; message?: Partial<Message> };
		});
	if (f.goalOn)
		e.goal = {
			event: f.goalEvent.trim(),
			windowHours: numberOf(f.goalWindow),
			...(f.goalRevenue.trim() ? { revenueProperty: f.goalRevenue.trim() } : {}),
		};
	return e;
}

/** The message fields of a variant: the campaign's, with its title and text over them. */
export const variantFields = (fields: Fields, v: VariantForm | undefined): Fields =>
	v
		? {
				...fields,
				title: v.title.trim() ? v.title : fields.title,
				body: v.body.trim() ? v.body : fields.body,
			}
		: fields;

/** Each variant's share of the audience (0–1), from the weights typed (a weight that is no number counts 0). */
export function shares(variants: VariantForm[]): number[] {
	const weights = variants.map((v) => Math.max(0, Number(v.weight) || 0));
	const total = weights.reduce((a, b) => a + b, 0);
	return weights.map((w) => (total > 0 ? w / total : 0));
}
