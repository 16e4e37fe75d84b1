import { useState } from 'preact/hooks';
import type { ApiKeyView, NewApiKey } from '#wire';
import { can, useConsole } from '../context';
import { value, when } from '../ui/format';
import { ConfirmButton, ErrorNote, Screen, useLoad } from '../ui/parts';

/** The site's API keys: list, create (the key is shown once), revoke. Admins only. */
export function ApiKeys() {
	const { api, token, host } = useConsole();
	const admin = can(token.role, 'admin');
	const [data, loadError, reload] = useLoad(
		() => (admin ? api.call<{ apiKeys: ApiKeyView[] }>('/api-keys') : Promise.resolve({ apiKeys: [] })),
		[admin],
	);
	const [name, setName] = useState('');
	const [created, setCreated] = useState<NewApiKey | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [copied, setCopied] = useState(false);

	if (!admin)
		return (
			<Screen title="API keys">
				<p class="notice notice-info">Only admins manage API keys; your role is {token.role}.</p>
			</Screen>
		);

	const create = async (e: Event) => {
		e.preventDefault();
		setError(null);
		try {
			setCreated(await api.call<NewApiKey>('/api-keys', { method: 'POST', body: { name: name.trim() } }));
			setCopied(false);
			setName('');
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
			host.toast(`Revoked “${key.name}”`);
			reload();
		} catch (err) {
			setError(err);
		}
	};

	return (
		<Screen title="API keys">
			<form class="card form" onSubmit={create} aria-labelledby="new-key-title">
				<h2 id="new-key-title">Create a key</h2>
				<div class="row">
					<label class="grow">
						Name <span class="hint">where the key will be used, e.g. “CRM sync”</span>
						<input
							id="key-name"
							required
							maxLength={80}
							dir="auto"
							value={name}
							onInput={(e) => setName(value(e))}
						/>
					</label>
					<button type="submit" class="primary align-end">
						Create key
					</button>
				</div>
			</form>
			{created && (
				<section class="card new-key" aria-labelledby="created-title" data-testid="new-key">
					<h2 id="created-title">
						New key “<span dir="auto">{created.name}</span>”
					</h2>
					<p class="notice notice-warning" role="alert">
						Copy this key now: it is shown only once and cannot be recovered.
					</p>
					<div class="row">
						<input
							id="new-key-value"
							class="mono"
							readOnly
							aria-label="The new API key"
							value={created.apiKey}
							onFocus={(e) => (e.target as HTMLInputElement).select()}
						/>
						<button
							type="button"
							onClick={async () => {
								try {
									await navigator.clipboard.writeText(created.apiKey);
									setCopied(true);
								} catch {
									host.toast('Copy failed; select the key and copy it by hand', true);
								}
							}}
						>
							{copied ? 'Copied' : 'Copy'}
						</button>
						<button type="button" onClick={() => setCreated(null)}>
							Done
						</button>
					</div>
				</section>
			)}
			<ErrorNote error={error ?? loadError} />
			{data && (
				<div class="card table-wrap">
					<table class="table" data-testid="api-keys">
						<thead>
							<tr>
								<th scope="col">Name</th>
								<th scope="col">Starts with</th>
								<th scope="col">Created</th>
								<th scope="col">
									<span class="sr-only">Actions</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{data.apiKeys.map((k) => (
								<tr key={k.keyId} data-key-id={k.keyId}>
									<td dir="auto" class="break">
										{k.name}
									</td>
									<td data-label="Starts with" class="mono">
										{k.prefix}…
									</td>
									<td data-label="Created" class="nowrap">
										{when(k.createdAt)}
									</td>
									<td>
										<ConfirmButton
											label="Revoke"
											confirm={`Revoke “${k.name}”? Anything using it stops working.`}
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
