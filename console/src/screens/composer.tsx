import { useEffect, useRef, useState } from 'preact/hooks';
import type { NotificationView, SendResult, SiteStats } from '#wire';
import { ApiError } from '../api';
import { messageOf } from '../api-error';
import { can, useConsole } from '../context';
import { fmt, newKey, sprintf, sprintfNodes } from '../ui/format';
import { roleLabel } from '../ui/labels';
import { ErrorNote, Progress, Screen, useLoad, useT, useTn } from '../ui/parts';
import { handled, watchNotification } from '../ui/watch';
import { audienceOf, choiceText, isComplete } from './audience-choice';
import { AudiencePicker, type Target } from './audience-picker';
import { EMPTY, type Fields, previewOf } from './draft';
import { MessageFields } from './message-fields';
import { fillTemplate, type PreviewContext, PreviewFor } from './personalise';
import { NotificationPreview } from './preview';
import { useEstimate } from './reach';
import { messageBody, type Picked, SavedMessagePicker, shownFields } from './resource-picker';
import { useSegments } from './segments';
import { TestSend } from './test-send';

/** Writes a notification with a live preview, sends a test to oneself, then sends with a confirm step. */
export function Composer() {
	const { api, site, token, host } = useConsole();
	const t = useT();
	const tn = useTn();
	const categories = site.settings.prompt.categories;
	const [fields, setFields] = useState<Fields>(EMPTY);
	const [picked, setPicked] = useState<Picked | null>(null);
	const [target, setTarget] = useState<Target>('all');
	const [chosen, setChosen] = useState<string[]>([]);
	const [segmentId, setSegmentId] = useState('');
	const [exclude, setExclude] = useState('');
	const [segmentList] = useSegments();
	const segments = segmentList ?? [];
	const [previewCtx, setPreviewCtx] = useState<PreviewContext | null>(null);
	const [previewWho, setPreviewWho] = useState('');
	const [confirming, setConfirming] = useState(false);
	const [error, setError] = useState<unknown>(null);
	const [sending, setSending] = useState<
		NotificationView | { notificationId: string; status: 'queued' } | null
	>(null);
	const [key, setKey] = useState(newKey);
	const [stats] = useLoad(() => api.call<SiteStats>('/stats'), []);
	const alive = useRef(true);
	useEffect(
		() => () => {
			alive.current = false;
		},
		[],
	);

	const mayEdit = can(token.role, 'editor');
	const set = (patch: Partial<Fields>) => {
		setFields({ ...fields, ...patch });
		setConfirming(false);
	};
	const choice = { target, chosen, segment: segmentId, exclude };
	const audience = audienceOf(choice);
	const complete = isComplete(choice);
	const estimate = useEstimate(complete ? audience : null);
	const audienceText = choiceText(choice, { t, tn, active: stats?.active ?? null, categories, segments });
	const reach = estimate.data?.reachable ?? null;
	const fill = (text: string) => fillTemplate(text, previewCtx);
	const shown = shownFields(fields, picked);
	const message = messageBody(fields, picked);

	const send = async () => {
		setError(null);
		try {
			const sent = await api.call<SendResult>('/notifications', {
				method: 'POST',
				body: { ...message, audience },
				idempotencyKey: key,
			});
			setConfirming(false);
			setSending({ notificationId: sent.notificationId, status: 'queued' });
			setKey(newKey());
			await watchNotification(
				api,
				sent.notificationId,
				(n) => setSending(n),
				() => !alive.current,
			);
			if (alive.current) host.toast(t('Notification sent'));
		} catch (e) {
			setConfirming(false);
			setError(e instanceof ApiError ? e : messageOf(e, t));
		}
	};

	const running = sending !== null && sending.status !== 'done';
	const view = sending && 'counts' in sending ? sending : null;

	return (
		<Screen title={t('Send a notification')}>
			{!mayEdit && (
				<p class="notice notice-info">
					{sprintf(t('Your role (%s) can read but not send.'), roleLabel(t, token.role))}
				</p>
			)}
			<div class="split">
				<form
					class="card form"
					aria-labelledby="composer-title"
					onSubmit={(e) => {
						e.preventDefault();
						setConfirming(true);
					}}
				>
					<h2 id="composer-title">{t('Message')}</h2>
					<SavedMessagePicker
						picked={picked}
						onPick={(p) => {
							setPicked(p);
							if (p?.base) setFields(p.base);
							setConfirming(false);
						}}
					/>
					<MessageFields fields={fields} set={set} inherit={picked?.base ?? undefined} />
					<p class="hint liquid-hint" data-testid="liquid-hint">
						{t(
							'Personalise with Liquid in the title, message, link and button labels: {{ user.first_name | default: "there" }}, {{ subscriber.last_url }}.',
						)}
					</p>
					<AudiencePicker
						categories={categories}
						active={stats?.active ?? null}
						target={target}
						chosen={chosen}
						onTarget={(v) => {
							setTarget(v);
							setConfirming(false);
							if (v === 'segment' && !segmentId && segments[0]) setSegmentId(segments[0].segmentId);
						}}
						onChosen={setChosen}
						segments={segments}
						segment={segmentId}
						onSegment={(v) => {
							setSegmentId(v);
							setConfirming(false);
						}}
						exclude={exclude}
						onExclude={(v) => {
							setExclude(v);
							setConfirming(false);
						}}
						estimate={estimate}
					/>
					<ErrorNote error={error} />
					{confirming ? (
						<div class="confirm-box">
							<p id="confirm-q">
								{sprintfNodes(
									t('Send “%1$s” to %2$s?'),
									<span dir="auto" class="title-text">
										{shown.title}
									</span>,
									audienceText,
								)}
							</p>
							<p data-testid="confirm-reach">
								{reach === null
									? t('Counting the subscribers it reaches…')
									: sprintf(
											tn('It reaches %s subscriber now.', 'It reaches %s subscribers now.', reach),
											fmt(reach),
										)}
							</p>
							<div class="actions">
								<button
									type="button"
									class="primary"
									ref={(el) => el?.focus()}
									onClick={send}
									data-testid="confirm-send"
								>
									{t('Yes, send now')}
								</button>
								<button type="button" onClick={() => setConfirming(false)}>
									{t('Cancel')}
								</button>
							</div>
						</div>
					) : (
						<div class="actions">
							<button
								type="submit"
								class="primary"
								disabled={!mayEdit || running || !shown.title || !complete}
							>
								{running ? t('Sending…') : t('Send…')}
							</button>
						</div>
					)}
					{sending && (
						<div class="sending" data-testid="progress" data-status={sending.status} aria-live="polite">
							<Progress
								label={t('Send progress')}
								done={view ? handled(view) : 0}
								total={view?.counts.targeted ?? 0}
								finished={sending.status === 'done'}
							/>
							<p class="small">
								{sending.status === 'done'
									? sprintf(
											t('Done: %1$s of %2$s handled.'),
											fmt(view ? handled(view) : 0),
											fmt(view?.counts.targeted ?? 0),
										)
									: sprintf(
											t('Sending… %1$s of %2$s'),
											fmt(view ? handled(view) : 0),
											view?.counts.targeted ? fmt(view.counts.targeted) : '…',
										)}{' '}
								<a href={`#/notifications/${sending.notificationId}`}>{t('See the report')}</a>
							</p>
						</div>
					)}
				</form>
				<div class="side">
					<NotificationPreview draft={previewOf(shown, fill, site)} />
					<PreviewFor
						who={previewWho}
						onContext={(ctx, who) => {
							setPreviewCtx(ctx);
							setPreviewWho(who);
						}}
					/>
					<TestSend message={message} disabled={!mayEdit || !shown.title} />
				</div>
			</div>
		</Screen>
	);
}
