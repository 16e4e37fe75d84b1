<?php
/**
 * The one place that talks to the Beckon backend. Every call has a timeout, never follows redirects (the API
 * key must not travel elsewhere) and turns failures into a WP_Error with a message an admin can act on.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Calls the backend.
 *
 * @param string                    $method  HTTP method.
 * @param string                    $path    Path starting with /v1/.
 * @param array<string, mixed>|null $body    JSON body.
 * @param array<string, mixed>      $options Keys: base (URL), token (bearer), timeout (s), idempotency_key.
 * @return array{status: int, data: array<string, mixed>}|WP_Error Response or error.
 */
function beckon_api_request( string $method, string $path, ?array $body = null, array $options = array() ) {
	$settings = beckon_get_settings();
	$base     = isset( $options['base'] ) ? (string) $options['base'] : (string) $settings['url'];
	$token    = isset( $options['token'] ) ? (string) $options['token'] : (string) $settings['api_key'];
	if ( '' === $base || '' === $token ) {
		return new WP_Error( 'beckon_not_connected', __( 'Beckon is not connected yet: enter the backend URL and the site credentials under Beckon → Settings.', 'beckon-web-push' ) );
	}
	$timeout = isset( $options['timeout'] ) ? (float) $options['timeout'] : 5.0;
	$args    = array(
		'method'      => $method,
		'timeout'     => (float) apply_filters( 'beckon_http_timeout', $timeout, $path ),
		'redirection' => 0,
		'user-agent'  => 'Beckon-WordPress/' . BECKON_VERSION . '; ' . home_url( '/' ),
		'headers'     => array(
			'Authorization' => 'Bearer ' . $token,
			'Accept'        => 'application/json',
		),
	);
	if ( null !== $body ) {
		$args['headers']['Content-Type'] = 'application/json';
		$args['body']                    = (string) wp_json_encode( $body );
	}
	if ( ! empty( $options['idempotency_key'] ) ) {
		$args['headers']['Idempotency-Key'] = (string) $options['idempotency_key'];
	}
	$response = wp_remote_request( untrailingslashit( $base ) . $path, $args );
	if ( is_wp_error( $response ) ) {
		return new WP_Error(
			'beckon_unreachable',
			/* translators: 1: backend URL, 2: error from the HTTP library */
			sprintf( __( 'Could not reach the Beckon backend at %1$s: %2$s', 'beckon-web-push' ), $base, $response->get_error_message() ),
			array( 'retry' => true )
		);
	}
	$status = (int) wp_remote_retrieve_response_code( $response );
	$data   = json_decode( (string) wp_remote_retrieve_body( $response ), true );
	$data   = is_array( $data ) ? $data : array();
	if ( $status >= 200 && $status < 300 ) {
		return array(
			'status' => $status,
			'data'   => $data,
		);
	}
	return beckon_api_error( $status, $data, $base );
}

/**
 * Turns an error response into a WP_Error whose message says what to do.
 *
 * @param int                  $status HTTP status.
 * @param array<string, mixed> $data   Decoded body, `{error:{code,message}}`.
 * @param string               $base   Backend URL.
 * @return WP_Error Error.
 */
function beckon_api_error( int $status, array $data, string $base ): WP_Error {
	$code    = isset( $data['error']['code'] ) ? (string) $data['error']['code'] : 'http_' . $status;
	$message = isset( $data['error']['message'] ) ? (string) $data['error']['message'] : '';
	if ( 401 === $status || 403 === $status ) {
		/* translators: %s: the backend's own message */
		$text = sprintf( __( 'The Beckon backend refused the credentials: check the site id and API key (%s).', 'beckon-web-push' ), $message ? $message : $status );
	} elseif ( 404 === $status && 'site_not_found' === $code ) {
		$text = __( 'The Beckon backend does not know this site id.', 'beckon-web-push' );
	} elseif ( $status >= 300 && $status < 400 ) {
		/* translators: %s: backend URL */
		$text = sprintf( __( 'The backend at %s answered with a redirect; enter its final URL.', 'beckon-web-push' ), $base );
	} elseif ( '' !== $message ) {
		/* translators: 1: HTTP status, 2: the backend's message */
		$text = sprintf( __( 'The Beckon backend answered %1$d: %2$s', 'beckon-web-push' ), $status, $message );
	} else {
		/* translators: 1: HTTP status, 2: backend URL */
		$text = sprintf( __( 'The Beckon backend answered %1$d; is %2$s a Beckon backend?', 'beckon-web-push' ), $status, $base );
	}
	return new WP_Error(
		'beckon_' . $code,
		$text,
		array(
			'status' => $status,
			'retry'  => 429 === $status || $status >= 500,
		)
	);
}

/**
 * Path of a site-admin endpoint for the connected site.
 *
 * @param string $suffix Such as `/stats`.
 * @return string Path.
 */
function beckon_site_path( string $suffix = '' ): string {
	return '/v1/sites/' . rawurlencode( (string) beckon_get_settings()['site_id'] ) . $suffix;
}

/**
 * Sends a notification.
 *
 * @param array<string, mixed> $message         Keys: title, body, url, icon, image.
 * @param array<string, mixed> $audience        One of {all:true} | {userIds:[…]} | {categories:[…]}.
 * @param string               $idempotency_key The same key never sends twice.
 * @return array{notificationId: string, duplicate: bool}|WP_Error Result.
 */
function beckon_send_notification( array $message, array $audience, string $idempotency_key = '' ) {
	$body = array_merge( array_filter( $message ), array( 'audience' => $audience ) );
	$sent = beckon_api_request( 'POST', beckon_site_path( '/notifications' ), $body, array( 'idempotency_key' => $idempotency_key ) );
	if ( is_wp_error( $sent ) ) {
		return $sent;
	}
	return array(
		'notificationId' => (string) ( $sent['data']['notificationId'] ?? '' ),
		'duplicate'      => ! empty( $sent['data']['duplicate'] ),
	);
}

/**
 * Sends a notification to one WordPress user on every browser they subscribed while logged in.
 *
 * @param int                  $user_id         User id.
 * @param array<string, mixed> $message         Keys: title, body, url, icon, image.
 * @param string               $idempotency_key Optional.
 * @return array{notificationId: string, duplicate: bool}|WP_Error Result.
 */
function beckon_send_to_user( int $user_id, array $message, string $idempotency_key = '' ) {
	return beckon_send_notification( $message, array( 'userIds' => array( (string) $user_id ) ), $idempotency_key );
}

/**
 * Subscriber statistics, cached for a minute unless fresh ones are asked for. A failure is cached for a minute
 * too, so a backend that is down costs the dashboard one timeout a minute, not one per page view; fresh asks
 * (the Beckon page) always try again and leave a failure uncached.
 *
 * @param bool $fresh Skip the cache.
 * @return array<string, mixed>|WP_Error Stats.
 */
function beckon_fetch_stats( bool $fresh = false ) {
	$settings = beckon_get_settings();
	$key      = 'beckon_stats_' . md5( $settings['url'] . '|' . $settings['site_id'] );
	$cached   = $fresh ? false : get_transient( $key );
	if ( is_array( $cached ) || is_wp_error( $cached ) ) {
		return $cached;
	}
	$response = beckon_api_request( 'GET', beckon_site_path( '/stats' ), null, array( 'timeout' => 4 ) );
	if ( is_wp_error( $response ) ) {
		if ( ! $fresh ) {
			set_transient( $key, $response, MINUTE_IN_SECONDS );
		}
		return $response;
	}
	set_transient( $key, $response['data'], MINUTE_IN_SECONDS );
	return $response['data'];
}
