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
	return rtrim( strtr( base64_encode( $bytes ), '+/', '-_' ), '=' );
}

/**
 * Decodes base64url (with or without padding).
 *
 * @param string $text Encoded text.
 * @return string Raw bytes, '' when invalid.
 */
function beckon_base64url_decode( string $text ): string {
	if ( ! preg_match( '/^[A-Za-z0-9_-]*$/', $text ) ) {
		return '';
	}
	return (string) base64_decode( strtr( $text, '-_', '+/' ), true );
}

/**
 * Mints `<base64url({"sub","exp"})>.<base64url(HMAC-SHA256(secret, first part))>` for a user.
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
	$ttl     = (int) apply_filters( 'beckon_identity_ttl', DAY_IN_SECONDS, $user_id );
	$ttl     = max( MINUTE_IN_SECONDS, min( $ttl, BECKON_IDENTITY_MAX_TTL - MINUTE_IN_SECONDS ) );
	$claims  = array(
		'sub' => (string) $user_id,
		'exp' => ( null === $now ? time() : $now ) + $ttl,
	);
	$payload = beckon_base64url_encode( (string) wp_json_encode( $claims ) );
	return $payload . '.' . beckon_base64url_encode( hash_hmac( 'sha256', $payload, $secret, true ) );
}

/**
 * Checks a token the way the backend does (constant-time), for diagnostics and tests.
 *
 * @param string   $token Token.
 * @param int|null $now   Unix time.
 * @return array{ok: bool, sub?: string, exp?: int, problem?: string} Result.
 */
function beckon_verify_identity_token( string $token, ?int $now = null ): array {
	$secret = (string) beckon_get_settings()['identity_secret'];
	$parts  = explode( '.', $token );
	if ( '' === $secret || 2 !== count( $parts ) ) {
		return array(
			'ok'      => false,
			'problem' => 'malformed',
		);
	}
	$expected = beckon_base64url_encode( hash_hmac( 'sha256', $parts[0], $secret, true ) );
	if ( ! hash_equals( $expected, $parts[1] ) ) {
		return array(
			'ok'      => false,
			'problem' => 'bad_signature',
		);
	}
	$claims = json_decode( beckon_base64url_decode( $parts[0] ), true );
	$now    = null === $now ? time() : $now;
	if ( ! is_array( $claims ) || ! isset( $claims['sub'], $claims['exp'] ) || ! is_string( $claims['sub'] ) ) {
		return array(
			'ok'      => false,
			'problem' => 'malformed',
		);
	}
	if ( (int) $claims['exp'] <= $now ) {
		return array(
			'ok'      => false,
			'problem' => 'expired',
		);
	}
	return array(
		'ok'  => true,
		'sub' => $claims['sub'],
		'exp' => (int) $claims['exp'],
	);
}
