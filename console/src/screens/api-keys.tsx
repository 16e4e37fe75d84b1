import { useState } from 'preact/hooks';
import type { ApiKeyScope, ApiKeyView, NewApiKey } from '#wire';
import { can, useConsole } from '../context';
import { sprintf, sprintfNodes, value, when } from '../ui/format';
import { roleLabel } from '../ui/labels';
import { ConfirmButton, ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { ShownOnce } from '../ui/shown-once';

type T = (text: string) => string;

/** What a key of each scope may do, in words. */
function scopeText(scope: ApiKeyScope, t: T): string {
	switch (scope) {
		case 'send':
			return t('Send: read, send notifications, record events and user attributes');
		case 'read':
			return t('Read: look only');
		default:
			return t('Full: everything');
	}
}

/** The site's API keys: list, create with a scope (the key is shown once), rotate, revoke. Admins only. */
export function ApiKeys() {
	const { api, token, host } = useConsole();
	const t = useT();
	const admin = can(token.role, 'admin');
	const [data, loadError, reload] = useLoad(
		() => (admin ? api.call<{ apiKeys: ApiKeyView[] }>('/api-keys') : Promise.resolve({ apiKeys: [] })),
		[admin],
	);
	const [name, setName] = useState('');
	const [scope, setScope] = useState<ApiKeyScope>('full');
	const [created, setCreated] = useState<NewApiKey | null>(null);
	const [error, setError] = useState<unknown>(null);

	if (!admin)
		return (
			<Screen title={t('API keys')}>
				<p class="notice notice-info">
					{sprintf(t('Only admins manage API keys; your role is %s.'), roleLabel(t, token.role))}
				</p>
			</Screen>
		);

	const create = async (e: Event) => {
		e.preventDefault();
		setError(null);
		try {
			setCreated(
				await api.call<NewApiKey>('/api-keys', { method: 'POST', body: { name: name.trim(), scope } }),
			);
			setName('');
			setScope('full');
			reload();
		} catch (err) {
			setError(err);
		}
	};

	const rotate = async (key: ApiKeyView) => {
		setError(null);
		try {
			setCreated(
				await api.call<NewApiKey>(`/api-keys/${encodeURIComponent(key.keyId)}/rotate`, { method: 'POST' }),
			);
			reload();
		} catch (err) {
			setError(err);
		}
	};

	const revoke = async (key: ApiKeyView) => {
		setError(null);
		try {
			await api.call(`/api-keys/${encodeURIComponent(key.keyId)}`, { method: 'DELETE' });
			if (created?.keyId === key.keyId) setCreated(null);
			host.toast(sprintf(t('Revoked “%s”'), key.name));
			reload();
		} catch (err) {
			setError(err);
		}
	};

	return (
		<Screen title={t('API keys')}>
			<form class="card form" onSubmit={create} aria-labelledby="new-key-title">
				<h2 id="new-key-title">{t('Create a key')}</h2>
				<div class="row">
					<label class="grow">
						{t('Name')} <span class="hint">{t('where the key will be used, e.g. “CRM sync”')}</span>
						<input
							id="key-name"
							required
							maxLength={80}
							dir="auto"
							value={name}
							onInput={(e) => setName(value(e))}
						/>
					</label>
					<label>
						{t('It may')}
						<select id="key-scope" value={scope} onChange={(e) => setScope(value(e) as ApiKeyScope)}>
							{(['full', 'send', 'read'] as const).map((x) => (
								<option key={x} value={x}>
									{scopeText(x, t)}
								</option>
							))}
						</select>
					</label>
					<button type="submit" class="primary align-end">
						{t('Create key')}
					</button>
				</div>
			</form>
			{created && (
				<ShownOnce
					key={created.apiKey}
					title={sprintfNodes(t('New key “%s”'), <span dir="auto">{created.name}</span>)}
					warning={t('Copy this key now: it is shown only once and cannot be recovered.')}
					value={created.apiKey}
					label={t('The new API key')}
					copyFailed={t('Copy failed; select the key and copy it by hand')}
					ids={{ section: 'new-key', title: 'created-title', input: 'new-key-value' }}
					onDone={() => setCreated(null)}
				/>
			)}
			<ErrorNote error={error ?? loadError} />
			{data && (
				<div class="card table-wrap">
					<table class="table" data-testid="api-keys">
						<thead>
							<tr>
								<th scope="col">{t('Name')}</th>
								<th scope="col">{t('Starts with')}</th>
								<th scope="col">{t('May')}</th>
								<th scope="col">{t('Created')}</th>
								<th scope="col">{t('Last used')}</th>
								<th scope="col">
									<span class="sr-only">{t('Actions')}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{data.apiKeys.map((k) => (
								<tr key={k.keyId} data-key-id={k.keyId}>
									<td dir="auto" class="break">
										{k.name}
									</td>
									<td data-label={t('Starts with')} class="mono">
										{k.prefix}…
									</td>
									<td data-label={t('May')} data-testid="key-scope">
										{scopeText(k.scope, t)}
									</td>
									<td data-label={t('Created')} class="nowrap">
										{when(k.createdAt)}
									</td>
									<td data-label={t('Last used')} class="nowrap" data-testid="key-last-used">
										{k.lastUsedAt ? when(k.lastUsedAt) : t('never')}
									</td>
									<td class="nowrap">
										<ConfirmButton
											label={t('Rotate')}
											yes={t('Yes, rotate')}
											confirm={sprintf(
												t('Rotate “%s”? It gets a new secret; the old one stops working at once.'),
												k.name,
											)}
											onConfirm={() => rotate(k)}
										/>{' '}
										<ConfirmButton
											label={t('Revoke')}
											yes={t('Yes, revoke')}
											confirm={sprintf(t('Revoke “%s”? Anything using it stops working.'), k.name)}
											danger
											onConfirm={() => revoke(k)}
										/>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
		</Screen>
	);
}
