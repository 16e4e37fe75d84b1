import fc from 'fast-check';
import { OPERATOR } from '../helpers';
import type { World } from './fixtures';
import { authorization, contentType, pathId } from './requests';
import { rarely } from './values';

// Requests to one site's admin API, for the files that fuzz many routes of one resource (resources, automations)
// with a third of the runs each: more of their cases must reach the resource's own code.

/**
 * Site ids: the attacked site three times in four, else as the other files pick them (pathId: the site, the other
 * site, junk). pathId alone sends three cases in four to another site or a junk id, a 403 or 404 before any
 * resource code runs; with a third of the runs per route this keeps the cases that reach it as many as the other
 * files' RUNS.
 */
export const attackedSiteId = (world: World) =>
	fc.oneof(
		{ weight: 3, arbitrary: fc.constant(world.site.siteId) },
		{ weight: 1, arbitrary: pathId([world.site.siteId], [world.other.siteId]) },
	);

/** The site's key (most often), the other site's, the operator's, junk or none; any content type; rarely an Origin. */
export const adminHeadersOf = (world: World) =>
	fc.record({
		authorization: authorization(world.site.apiKey, [world.other.apiKey, OPERATOR]),
		'content-type': contentType,
		origin: rarely(fc.constant(world.site.origin), 3),
	});

/**
 * Ids of the site's things (resources, automations): the route's own half the time, else as pathId picks (them,
 * `others`: another site's, missing, malformed; junk).
 */
export const thingId = (own: string[], others: string[]) =>
	fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...own) }, { weight: 1, arbitrary: pathId(own, others) });
