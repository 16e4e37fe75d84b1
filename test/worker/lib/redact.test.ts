import { describe, expect, it } from 'vitest';
import { describeError } from '../../../worker/src/lib/redact';

describe('describeError', () => {
	it('removes URLs (push endpoints are bearer secrets) and keeps the rest', () => {
		const error = new TypeError('fetch to https://fcm.googleapis.com/fcm/send/abc:def failed after 3 tries');
		expect(describeError(error)).toBe('TypeError: fetch to <url> failed after 3 tries');
		expect(describeError('boom')).toBe('non-error thrown');
	});
});
