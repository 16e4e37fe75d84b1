import { encodeBase64Url } from '../push/base64url';

/** A random identifier with a readable prefix, e.g. `sub_q3Rk…` (15 random bytes → 20 characters). */
export function newId(prefix: 'site' | 'sub' | 'ntf' | 'seg' | 'cmp' | 'res' | 'aut' | 'wh'): string {
	return `${prefix}_${encodeBase64Url(crypto.getRandomValues(new Uint8Array(15)))}`;
}

/** A secret token with a prefix that says what it is (32 random bytes). */
export function newSecret(prefix: string): string {
	return `${prefix}${encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** Whether `id` has the shape {@link newId} gives ids of this kind (cheap to check before any lookup). */
export function isId(prefix: 'site' | 'sub' | 'ntf', id: string): boolean {
	return id.length === prefix.length + 21 && id.startsWith(`${prefix}_`) && /^[A-Za-z0-9_-]+$/.test(id);
}
