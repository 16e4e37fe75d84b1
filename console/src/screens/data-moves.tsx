import { useState } from 'preact/hooks';
import { can, useConsole } from '../context';
import { checked, fmt, sprintf, value, when } from '../ui/format';
import { roleLabel } from '../ui/labels';
import { ConfirmButton, ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { saveFile } from '../ui/save-file';

interface VapidKey {
	keyId: string;
	publicKey: string;
	label: string;
	current: boolean;
	subscribers: number;
	createdAt: string;
}

interface ImportReport {
	keyId: string;
	imported: number;
	duplicate: number;
	invalid: Array<{ row: number; reason: string }>;
	invalidCount: number;
}

/**
 * Own your data: download everything of the site (NDJSON), bring subscribers from another push tool with its VAPID
 * key pair, and retire old key pairs once their browsers moved to the site's key. Admins only.
 */
export function DataMoves() {
	const { api, token, site } = useConsole();
	const t = useT();
	const admin = can(token.role, 'admin');
	const [keys, keysError, reloadKeys] = useLoad(
		() => (admin ? api.call<{ vapidKeys: VapidKey[] }>('/vapid-keys') : Promise.resolve({ vapidKeys: [] })),
		[admin],
	);
	const [clear, setClear] = useState(false);
	const [publicKey, setPublicKey] = useState('');
	const [privateKey, setPrivateKey] = useState('');
	const [label, setLabel] = useState('');
	const [rows, setRows] = useState('');
	const [report, setReport] = useState<ImportReport | null>(null);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<unknown>(null);

	if (!admin)
		return (
			<Screen title={t('Import & export')}>
				<p class="notice notice-info">
					{sprintf(t('Only admins move data in or out; your role is %s.'), roleLabel(t, token.role))}
				</p>
			</Screen>
		);

	const exportAll = async () => {
		setError(null);
		setBusy(true);
		try {
			const response = await api.raw(`/export?keys=${clear ? 'clear' : 'sealed'}`);
			saveFile(
				await response.blob(),
				`beckon-${site.siteId}-${new Date().toISOString().slice(0, 10)}.ndjson`,
			);
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};

	const readFile = async (e: Event) => {
		const file = (e.target as HTMLInputElement).files?.[0];
		if (file) setRows(await file.text());
	};

	const importRows = async (e: Event) => {
		e.preventDefault();
		setError(null);
		setReport(null);
		const text = rows.trim();
		let body: Record<string, unknown>;
		if (text.startsWith('[') || text.startsWith('{')) {
			try {
				const parsed = JSON.parse(text) as unknown;
				const list = Array.isArray(parsed)
					? parsed
					: ((parsed as { subscriptions?: unknown }).subscriptions ?? [parsed]);
				body = { subscriptions: list };
			} catch {
				setError(new Error(t('The subscriptions are not valid JSON; paste JSON or CSV with a header line.')));
				return;
			}
		} else body = { csv: text };
		setBusy(true);
		try {
			setReport(
				await api.call<ImportReport>('/subscribers/import', {
					method: 'POST',
					body: {
						vapidPublicKey: publicKey.trim(),
						vapidPrivateKey: privateKey.trim(),
						...(label.trim() ? { label: label.trim() } : {}),
						...body,
					},
				}),
			);
			setPrivateKey('');
			reloadKeys();
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};

	const retire = async (key: VapidKey) => {
		setError(null);
		try {
			await api.call(
				`/vapid-keys/${encodeURIComponent(key.keyId)}${key.subscribers > 0 ? '?force=true' : ''}`,
				{
					method: 'DELETE',
				},
			);
			reloadKeys();
		} catch (err) {
			setError(err);
		}
	};

	return (
		<Screen title={t('Import & export')}>
			<ErrorNote error={error ?? keysError} />
			<section class="card form" aria-labelledby="export-title">
				<h2 id="export-title">{t('Export everything')}</h2>
				<p class="muted">
					{t(
						'One NDJSON file with the site’s settings, VAPID keys, subscribers, users, events, segments, saved messages, campaigns, automations and history. Another Beckon deployment imports it as a new site (README “Moving a site”).',
					)}
				</p>
				<label class="check">
					<input type="checkbox" id="export-clear" checked={clear} onChange={(e) => setClear(checked(e))} />
					<span>{t('Include the private keys in clear (needed to move to another deployment)')}</span>
				</label>
				{clear && (
					<p class="notice notice-warning" role="alert">
						{t('Anyone with this file can send to your subscribers: keep it as safe as a password.')}
					</p>
				)}
				<div class="row">
					<button type="button" class="primary" onClick={exportAll} disabled={busy} data-testid="export-all">
						{t('Download export')}
					</button>
				</div>
			</section>

			<form class="card form" onSubmit={importRows} aria-labelledby="import-title">
				<h2 id="import-title">{t('Import subscribers from another push tool')}</h2>
				<p class="muted">
					{t(
						'Give the old tool’s VAPID key pair and its subscriptions (CSV with a header line naming endpoint, p256dh and auth, or JSON). They are sent to with the old key until each browser moves to this site’s key on its next visit. Importing the same file again adds nothing.',
					)}
				</p>
				<div class="row">
					<label class="grow">
						{t('Old public key')}
						<input
							id="import-public"
							class="mono"
							required
							maxLength={200}
							value={publicKey}
							onInput={(e) => setPublicKey(value(e))}
						/>
					</label>
					<label class="grow">
						{t('Old private key')}
						<input
							id="import-private"
							class="mono"
							type="password"
							autoComplete="off"
							required
							maxLength={200}
							value={privateKey}
							onInput={(e) => setPrivateKey(value(e))}
						/>
					</label>
					<label>
						{t('Label')}
						<input id="import-label" maxLength={100} value={label} onInput={(e) => setLabel(value(e))} />
					</label>
				</div>
				<label>
					{t('Subscriptions')} <span class="hint">{t('paste, or choose a file below')}</span>
					<textarea
						id="import-rows"
						class="mono"
						rows={6}
						required
						value={rows}
						onInput={(e) => setRows(value(e))}
					/>
				</label>
				<label>
					{t('File')}
					<input
						id="import-file"
						type="file"
						accept=".csv,.json,text/csv,application/json"
						onChange={readFile}
					/>
				</label>
				<div class="row">
					<button type="submit" class="primary" disabled={busy}>
						{t('Import')}
					</button>
				</div>
				{report && (
					<div class="notice notice-info" role="status" data-testid="import-report">
						<p>
							{sprintf(
								t('%s imported, %s already here, %s refused.'),
								fmt(report.imported),
								fmt(report.duplicate),
								fmt(report.invalidCount),
							)}
						</p>
						{report.invalid.length > 0 && (
							<ul>
								{report.invalid.map((r) => (
									<li key={r.row}>{sprintf(t('Row %s: %s'), String(r.row), r.reason)}</li>
								))}
							</ul>
						)}
					</div>
				)}
			</form>

			{keys && (
				<section class="card" aria-labelledby="keys-title">
					<h2 id="keys-title">{t('VAPID keys')}</h2>
					<div class="table-wrap">
						<table class="table" data-testid="vapid-keys">
							<thead>
								<tr>
									<th scope="col">{t('Key')}</th>
									<th scope="col">{t('Label')}</th>
									<th scope="col" class="num">
										{t('Subscribers')}
									</th>
									<th scope="col">{t('Added')}</th>
									<th scope="col">
										<span class="sr-only">{t('Actions')}</span>
									</th>
								</tr>
							</thead>
							<tbody>
								{keys.vapidKeys.map((k) => (
									<tr key={k.keyId} data-key={k.keyId}>
										<td class="mono">{k.keyId}…</td>
										<td data-label={t('Label')} dir="auto">
											{k.current ? t('This site’s key') : k.label}
										</td>
										<td data-label={t('Subscribers')} class="num">
											{fmt(k.subscribers)}
										</td>
										<td data-label={t('Added')} class="nowrap">
											{when(k.createdAt)}
										</td>
										<td class="nowrap">
											{!k.current && (
												<ConfirmButton
													label={t('Retire')}
													yes={t('Yes, retire')}
													confirm={
														k.subscribers > 0
															? sprintf(
																	t(
																		'%s subscribers still use this key and will be deleted with it. Retire it?',
																	),
																	fmt(k.subscribers),
																)
															: t('Retire this key? No subscriber uses it any more.')
													}
													danger
													onConfirm={() => retire(k)}
												/>
											)}
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				</section>
			)}
		</Screen>
	);
}
