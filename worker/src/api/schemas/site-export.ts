import * as z from 'zod';
import { optOneOf } from '../fields';
import { createdSite } from './sites';

// Moving a whole site: its NDJSON export and the import that makes a new site of it (README "Moving a site").

/** Query of GET /v1/sites/{siteId}/export. */
export const exportQuery = z.object({
	keys: optOneOf(['sealed', 'clear'] as const).describe(
		'Default sealed: the VAPID private key as stored, which only this deployment can open. clear writes it, and ' +
			'the identity secret, in clear: needed to move the site to another deployment; keep that file secret',
	),
	gzip: optOneOf(['true', 'false'] as const).describe(
		'true answers the same NDJSON gzipped (application/gzip, a .ndjson.gz file): what to send to an import ' +
			'when the export is larger than the request body limit (100 MB on Cloudflare Free and Pro plans)',
	),
});

/** Query of POST /v1/sites/import. */
export const importQuery = z.object({
	withoutKeys: optOneOf(['true', 'false'] as const).describe(
		'true imports an export whose private key cannot be opened here under a new key pair (its subscribers ' +
			'cannot be sent to); otherwise that is a 400 vapid_key_sealed',
	),
});

/** Answer of POST /v1/sites/import: the new site as POST /v1/sites answers, and the records it took by type. */
export const importedSite = createdSite.extend({
	imported: z.record(z.string(), z.number()).describe('Records read, by type (the trailer counts)'),
});
