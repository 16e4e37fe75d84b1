import { describe, expect, it } from 'vitest';
import { encodeWords, quotedPrintable } from '../../../worker/src/email/encode';
import { buildMessage, formatMailbox } from '../../../worker/src/email/mime';
import { dotStuff } from '../../../worker/src/email/smtp';

const decodeWord = (word: string) => {
	const m = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/.exec(word);
	if (!m) throw new Error(`not an encoded word: ${word}`);
	return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(
		Uint8Array.from(atob(m[1] ?? ''), (c) => c.charCodeAt(0)),
	);
};

describe('encodeWords', () => {
	it('leaves printable ASCII alone', () => {
		expect(encodeWords('3 unread messages')).toBe('3 unread messages');
	});

	it('splits UTF-8 into words of at most 75 characters, each holding whole code points', () => {
		const subject = `${'Ünïcödé 🎉 '.repeat(12)}☕`;
		const words = encodeWords(subject).split('\r\n ');
		expect(words.length).toBeGreaterThan(3);
		for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
		// fatal: true throws if a word ended inside a code point.
		expect(words.map(decodeWord).join('')).toBe(subject);
	});
});

describe('quotedPrintable', () => {
	it('keeps lines within 76 characters, encodes "=" and trailing spaces, and uses CRLF', () => {
		const qp = quotedPrintable(`a=b \n${'é'.repeat(100)}\r\nend\t`);
		for (const line of qp.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
		expect(qp.startsWith('a=3Db=20\r\n')).toBe(true);
		expect(qp.endsWith('end=09')).toBe(true);
		expect(qp).not.toMatch(/=[0-9A-F]?=\r\n/);
	});
});

describe('dotStuff', () => {
	it('doubles a leading dot on every line and ends with CRLF.CRLF', () => {
		expect(dotStuff('.a\r\nb\r\n.\r\n')).toBe('..a\r\nb\r\n..\r\n.\r\n');
		expect(dotStuff('x')).toBe('x\r\n.\r\n');
	});
});

describe('buildMessage', () => {
	const envelope = {
		from: { email: 'alerts@example.com', name: 'Beckon' },
		messageId: '<id@example.com>',
		date: new Date('2026-12-02T16:11:02Z'),
		boundary: '=_b',
	};

	it('writes the RFC 5322 headers', () => {
		const raw = buildMessage(
			{ to: [{ email: 'a@example.com', name: 'Ada "the" Countess' }], subject: 'Hi', text: 'x' },
			envelope,
		);
		expect(raw.split('\r\n\r\n')[0]).toBe(
			[
				'From: "Beckon" <alerts@example.com>',
				'To: "Ada \\"the\\" Countess" <a@example.com>',
				'Subject: Hi',
				'Date: Wed, 02 Dec 2026 16:11:02 +0000',
				'Message-ID: <id@example.com>',
				'MIME-Version: 1.0',
				'Content-Type: text/plain; charset=utf-8',
				'Content-Transfer-Encoding: quoted-printable',
			].join('\r\n'),
		);
		expect(formatMailbox({ email: 'b@example.com' })).toBe('b@example.com');
	});
});
