import { describe, expect, it } from 'vitest';
import {
	cutText,
	DEFAULT_PREFERENCES,
	inScope,
	isActive,
	preferencesOf,
	readMark,
} from '../../../worker/src/staff/rules';

// The seed rules of staff alerts (issue 14), one by one, without storage.

const graphemes = (s: string) =>
	[...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].length;

describe('the 500-character cut (seed 002)', () => {
	it('leaves text of 500 characters as it is and cuts longer text to 500 with an ellipsis', () => {
		expect(cutText('a'.repeat(500))).toBe('a'.repeat(500));
		const cut = cutText('b'.repeat(501));
		expect(cut).toBe(`${'b'.repeat(499)}…`);
		expect(graphemes(cut)).toBe(500);
	});

	it('never splits an emoji, a flag, a ZWJ family or a letter with its combining marks at the boundary', () => {
		for (const unit of ['👩‍👩‍👧‍👦', '🇩🇪', '👍🏽', 'é', 'q̣̇', '😀']) {
			for (const lead of [497, 498, 499, 500]) {
				const text = 'x'.repeat(lead) + unit.repeat(5);
				const cut = cutText(text);
				expect(graphemes(cut)).toBeLessThanOrEqual(500);
				// What is kept is whole clusters of the original, then the ellipsis.
				const kept = cut.endsWith('…') ? cut.slice(0, -1) : cut;
				expect(text.startsWith(kept)).toBe(true);
				const rest = text.slice(kept.length);
				expect(rest === '' || rest.startsWith(unit) || rest.startsWith('x')).toBe(true);
				// No lone surrogate anywhere.
				expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(cut)).toBe(
					false,
				);
			}
		}
	});
});

describe('scopes and team routing (seeds 002 and 004)', () => {
	const none = new Set<string>();
	const sales = new Set(['sales']);
	const cases: Array<
		[string, { assignee: string | null; team: string | null }, Set<string>, string[], boolean]
	> = [
		['mine: assigned to me', { assignee: 'z', team: null }, none, ['mine'], true],
		['mine: assigned to another', { assignee: 'x', team: null }, none, ['mine'], false],
		['mine: unassigned', { assignee: null, team: null }, none, ['mine'], false],
		['unassigned: unassigned', { assignee: null, team: null }, none, ['unassigned'], true],
		['unassigned: assigned to another', { assignee: 'x', team: null }, none, ['unassigned'], false],
		['teams: routed to my team', { assignee: null, team: 'sales' }, sales, ['teams'], true],
		['teams: assigned to a teammate in my team', { assignee: 'x', team: 'sales' }, sales, ['teams'], true],
		['teams: routed to a team I am not in', { assignee: null, team: 'sales' }, none, ['teams'], false],
		['all: assigned to another, no team', { assignee: 'x', team: null }, none, ['all'], true],
		['all: routed to a team I am not in (seed 004)', { assignee: null, team: 'sales' }, none, ['all'], false],
		['all: assigned to me in a team I am not in', { assignee: 'z', team: 'sales' }, none, ['all'], true],
		[
			'unassigned: routed to a team I am not in',
			{ assignee: null, team: 'sales' },
			none,
			['unassigned'],
			false,
		],
		['nothing chosen', { assignee: 'z', team: null }, none, [], false],
	];
	for (const [name, routing, teams, scopes, expected] of cases) {
		it(name, () => {
			expect(inScope('z', teams, routing, scopes as never)).toBe(expected);
		});
	}
});

describe('read marks (seed 002)', () => {
	it('counts only the assignee’s own reads on an assigned conversation (X reading Z’s does not stop Z’s email)', () => {
		expect(readMark(null, 5_000, true)).toBe(0);
		expect(readMark(3_000, 5_000, true)).toBe(3_000);
	});
	it('counts anyone’s read on an unassigned conversation', () => {
		expect(readMark(null, 5_000, false)).toBe(5_000);
		expect(readMark(7_000, 5_000, false)).toBe(7_000);
	});
});

describe('presence and preferences', () => {
	it('is active for 75 seconds after a heartbeat', () => {
		expect(isActive(null, 1_000_000)).toBe(false);
		expect(isActive(1_000_000 - 74_000, 1_000_000)).toBe(true);
		expect(isActive(1_000_000 - 76_000, 1_000_000)).toBe(false);
	});
	it('fills every kind with the defaults and keeps saved overrides', () => {
		const prefs = preferencesOf(JSON.stringify({ mention: { push: false }, bogus: { push: true } }));
		expect(prefs.mention).toEqual({ ...DEFAULT_PREFERENCES.mention, push: false });
		expect(prefs['message.created']).toEqual(DEFAULT_PREFERENCES['message.created']);
		expect(Object.keys(prefs)).not.toContain('bogus');
		expect(preferencesOf('not json')).toEqual(DEFAULT_PREFERENCES);
	});
});
