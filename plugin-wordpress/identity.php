<?php
/**
 * Signed identity tokens: tell the Beckon backend which WordPress user a browser belongs to, so a notification
 * can reach one user on all their devices. The backend checks the HMAC with the site's identity secret; a
 * browser can neither forge nor extend a token.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Longest lifetime the backend accepts (7 days); tokens are minted per page view, so a day is plenty. */
const BECKON_IDENTITY_MAX_TTL = 7 * DAY_IN_SECONDS;

/**
 * Base64url without padding (RFC 4648 §5).
 *
 * @param string $bytes Raw bytes.
 * @return string Encoded text.
 */
function beckon_base64url_encode( string $bytes ): string {
	// Native in PHP 7.2+, and polyfilled by WordPress's bundled sodium_compat everywhere else.
	return sodium_bin2base64( $bytes, SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING );
}

/**
 * Profile attributes signed into a user's token, which the backend merges into the user's attributes when the
 * browser identifies: `first_name`, and `last_name` when set. Filterable with `beckon_identity_attrs`.
 *
 * @param int $user_id WordPress user id.
 * @return array<string, string> Attribute name => value (nothing empty).
 */
function beckon_identity_attrs( int $user_id ): array {
	$attrs = array();
	foreach ( array( 'first_name', 'last_name' ) as $key ) {
		$value = trim( (string) get_user_meta( $user_id, $key, true ) );
		if ( '' !== $value ) {
			// The backend keeps at most 1,000 characters of a string attribute.
			$attrs[ $key ] = mb_substr( $value, 0, 1000 );
		}
	}
	return (array) apply_filters( 'beckon_identity_attrs', $attrs, $user_id );
}

/**
 * Mints `<base64url({"sub","exp"[,"attrs"]})>.<base64url(HMAC-SHA256(secret, first part))>` for a user.
 *
 * @param int      $user_id WordPress user id (> 0).
 * @param int|null $now     Unix time, for tests.
 * @return string Token, or '' when the user is anonymous or no identity secret is stored.
 */
function beckon_identity_token( int $user_id, ?int $now = null ): string {
	$secret = (string) beckon_get_settings()['identity_secret'];
	if ( $user_id <= 0 || '' === $secret ) {
		return '';
	}
	$ttl    = (int) apply_filters( 'beckon_identity_ttl', DAY_IN_SECONDS, $user_id );
	$ttl    = max( MINUTE_IN_SECONDS, min( $ttl, BECKON_IDENTITY_MAX_TTL - MINUTE_IN_SECONDS ) );
	$claims = array(
		'sub' => (string) $user_id,
		'exp' => ( null === $now ? time() : $now ) + $ttl,
	);
	$attrs  = beckon_identity_attrs( $user_id );
	if ( array() !== $attrs ) {
		$claims['attrs'] = $attrs;
	}
	$payload = beckon_base64url_encode( (string) wp_json_encode( $claims ) );
	return $payload . '.' . beckon_base64url_encode( hash_hmac( 'sha256', $payload, $secret, true ) );
}
