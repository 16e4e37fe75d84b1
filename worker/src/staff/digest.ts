import type { Reminder } from '../store/staff';

// The unread-reminder email (seed 002): one per staff member and round, listing their conversations with unread
// visitor messages, oldest first, each with a link to the conversation.

const htmlText = (s: string) =>
	s.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
	);

/** Texts longer than this are cut in the email (the conversation link has the rest). */
const MESSAGE_CHARS = 1000;

function clip(text: string): string {
	const chars = [...text];
	return chars.length <= MESSAGE_CHARS ? text : `${chars.slice(0, MESSAGE_CHARS - 1).join('')}…`;
}

/** Subject, plain text and HTML of a staff member's reminder. */
export function composeReminder(
	siteName: string,
	reminder: Reminder,
	timeZone: string | null,
): { subject: string; text: string; html: string } {
	const messages = reminder.conversations.reduce((n, c) => n + c.messages.length, 0);
	const conversations = reminder.conversations.length;
	const subject = `${messages} unread ${messages === 1 ? 'message' : 'messages'}${
		conversations > 1 ? ` in ${conversations} conversations` : ''
	} · ${siteName}`;
	const time = new Intl.DateTimeFormat('en-GB', {
		timeZone: timeZone ?? 'UTC',
		dateStyle: 'medium',
		timeStyle: 'short',
	});
	const lines: string[] = [`Hello ${reminder.name ?? reminder.staffId},`, '', `Unread on ${siteName}:`, ''];
	const blocks: string[] = [];
	for (const c of reminder.conversations) {
		const title = c.title ?? `Conversation ${c.conversationId}`;
		lines.push(`== ${title} ==`);
		if (c.url) lines.push(c.url);
		const items: string[] = [];
		for (const m of c.messages) {
			const who = m.author ?? 'Visitor';
			lines.push(`${time.format(m.at)} ${who}: ${clip(m.text)}`);
			items.push(
				`<li><span style="color:#555">${htmlText(time.format(m.at))}</span> <strong>${htmlText(who)}</strong>: ${htmlText(clip(m.text))}</li>`,
			);
		}
		lines.push('');
		const heading = c.url ? `<a href="${htmlText(c.url)}">${htmlText(title)}</a>` : htmlText(title);
		blocks.push(`<h2 style="font-size:16px">${heading}</h2><ul>${items.join('')}</ul>`);
	}
	lines.push(
		'These conversations now count as read for you. Change what you get by email under Staff alerts in the Beckon console.',
	);
	const html = `<!doctype html><html><body style="font-family:sans-serif"><p>Hello ${htmlText(
		reminder.name ?? reminder.staffId,
	)},</p><p>Unread on ${htmlText(siteName)}:</p>${blocks.join(
		'',
	)}<p style="color:#555">These conversations now count as read for you. Change what you get by email under Staff alerts in the Beckon console.</p></body></html>`;
	return { subject, text: lines.join('\n'), html };
}
