<?php
/**
 * Console tokens: short-lived bearers the Beckon console uses instead of the site API key. The plugin mints them
 * server-side with the API key (which never reaches the browser), for the current WordPress user, and hands fresh
 * ones to the console through a nonce-checked REST route when one expires.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Lifetime asked of the backend for each console token (it accepts 60 to 3600 s); the console refreshes it. */
const BECKON_CONSOLE_TOKEN_TTL = 15 * MINUTE_IN_SECONDS;

/**
 * The console role of a user: administrators (`manage_options`) manage everything, users who may send
 * ({@see beckon_send_capability()}) send and read, anyone else has no console.
 *
 * @param WP_User $user User.
 * @return string One of 'admin', 'editor', or '' for no access.
 */
function beckon_console_role( WP_User $user ): string {
	if ( ! $user->exists() ) {
		return '';
	}
	if ( user_can( $user, 'manage_options' ) ) {
		return 'admin';
	}
	return user_can( $user, beckon_send_capability() ) ? 'editor' : '';
}

/**
 * Asks the backend for a console token for a user. The staff id is the WordPress user id, the same external id
 * identity tokens carry (identity.php), so the console's "send a test to yourself" reaches the user's browsers.
 *
 * @param WP_User $user User.
 * @return array{token: string, expiresAt: string, siteId: string, staff: array<string, mixed>, role: string}|WP_Error ConsoleToken, or why not.
 */
function beckon_console_token( WP_User $user ) {
	$role = beckon_console_role( $user );
	if ( '' === $role ) {
		return new WP_Error( 'beckon_console_forbidden', __( 'Sorry, you are not allowed to use the Beckon console.', 'beckon-web-push' ), array( 'status' => 403 ) );
	}
	if ( ! beckon_is_connected() ) {
		return new WP_Error( 'beckon_not_connected', __( 'Beckon is not connected to a backend yet.', 'beckon-web-push' ), array( 'status' => 503 ) );
	}
	$staff    = array(
		'id'    => (string) $user->ID,
		'name'  => '' !== $user->display_name ? mb_substr( $user->display_name, 0, 100 ) : null,
		'email' => '' !== $user->user_email ? $user->user_email : null,
	);
	$response = beckon_api_request(
		'POST',
		beckon_site_path( '/console-tokens' ),
		array(
			'staff'      => $staff,
			'role'       => $role,
			'ttlSeconds' => BECKON_CONSOLE_TOKEN_TTL,
		),
		array( 'timeout' => 5 )
	);
	if ( is_wp_error( $response ) ) {
		return $response;
	}
	$data = $response['data'];
	if ( empty( $data['token'] ) || ! is_string( $data['token'] ) || empty( $data['expiresAt'] ) || empty( $data['siteId'] ) ) {
		return new WP_Error( 'beckon_bad_answer', __( 'The Beckon backend did not return a console token; is it up to date?', 'beckon-web-push' ) );
	}
	return array(
		'token'     => $data['token'],
		'expiresAt' => (string) $data['expiresAt'],
		'siteId'    => (string) $data['siteId'],
		'staff'     => is_array( $data['staff'] ?? null ) ? $data['staff'] : $staff,
		'role'      => (string) ( $data['role'] ?? $role ),
	);
}

/**
 * Registers `POST /wp-json/beckon/v1/console-token`.
 *
 * @return void
 */
function beckon_register_console_route(): void {
	register_rest_route(
		'beckon/v1',
		'/console-token',
		array(
			'methods'             => 'POST',
			'callback'            => 'beckon_rest_console_token',
			'permission_callback' => 'beckon_rest_console_permission',
		)
	);
}

/**
 * Who may refresh a console token: a logged-in user with the send capability, whose request carries the
 * `wp_rest` nonce in `X-WP-Nonce` (checked here too, not only by cookie authentication, so no other
 * authentication method can mint a token without it).
 *
 * @param WP_REST_Request $request Request.
 * @return true|WP_Error Allowed, or 401/403.
 */
function beckon_rest_console_permission( WP_REST_Request $request ) {
	if ( ! is_user_logged_in() ) {
		return new WP_Error( 'rest_not_logged_in', __( 'You are not logged in to WordPress any more; log in again and reload the page.', 'beckon-web-push' ), array( 'status' => 401 ) );
	}
	if ( ! wp_verify_nonce( (string) $request->get_header( 'X-WP-Nonce' ), 'wp_rest' ) ) {
		return new WP_Error( 'rest_cookie_invalid_nonce', __( 'This page has expired; reload it.', 'beckon-web-push' ), array( 'status' => 403 ) );
	}
	if ( '' === beckon_console_role( wp_get_current_user() ) ) {
		return new WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to use the Beckon console.', 'beckon-web-push' ), array( 'status' => 403 ) );
	}
	return true;
}

/**
 * A fresh ConsoleToken for the current user (never the API key). A backend failure is a 502 (503 when the
 * plugin is not connected), with the message an admin can act on.
 *
 * @return WP_REST_Response|WP_Error Response.
 */
function beckon_rest_console_token() {
	$token = beckon_console_token( wp_get_current_user() );
	if ( is_wp_error( $token ) ) {
		$statuses = array(
			'beckon_console_forbidden' => 403,
			'beckon_not_connected'     => 503,
		);
		$status   = $statuses[ $token->get_error_code() ] ?? 502;
		return new WP_Error( $token->get_error_code(), $token->get_error_message(), array( 'status' => $status ) );
	}
	$response = new WP_REST_Response( $token, 200 );
	$response->header( 'Cache-Control', 'no-store' );
	return $response;
}
