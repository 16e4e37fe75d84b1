<?php
/**
 * Small helpers shared by the rest of the plugin: settings access, capabilities, origins, notices.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The stored settings merged over the defaults, so keys added by a newer version never read as missing
 * (an upgrade never loses or resets what the admin saved).
 *
 * @return array<string, mixed> Settings.
 */
function beckon_get_settings(): array {
	$stored = get_option( BECKON_OPTION, array() );
	return wp_parse_args( is_array( $stored ) ? $stored : array(), beckon_default_settings() );
}

/**
 * Whether this site has a backend URL, a site id and an API key.
 *
 * @return bool Connected.
 */
function beckon_is_connected(): bool {
	$settings = beckon_get_settings();
	return '' !== $settings['url'] && '' !== $settings['site_id'] && '' !== $settings['api_key'];
}

/**
 * Capability needed to see the Beckon page and send notifications (editors and up by default).
 *
 * @return string Capability.
 */
function beckon_send_capability(): string {
	return (string) apply_filters( 'beckon_send_capability', 'edit_others_posts' );
}

/**
 * Stops the request unless its nonce (when one is named) checks out and the user has the capability. Runs
 * first in every admin action and screen of the plugin.
 *
 * @param string $nonce Nonce action the form or link carries (`_wpnonce`), or '' for a screen without one.
 * @param string $cap   Capability.
 * @return void
 */
function beckon_guard( string $nonce, string $cap ): void {
	if ( '' !== $nonce ) {
		check_admin_referer( $nonce );
	}
	if ( ! current_user_can( $cap ) ) {
		$message = beckon_send_capability() === $cap ? __( 'Sorry, you are not allowed to send notifications.', 'beckon-web-push' ) : __( 'Sorry, you are not allowed to manage Beckon.', 'beckon-web-push' );
		wp_die( esc_html( $message ), 403 );
	}
}

/**
 * The widget category id of a WordPress category: `cat-<term id>` (stable across renames).
 *
 * @param int $term_id Category term id.
 * @return string Category id.
 */
function beckon_category_key( int $term_id ): string {
	return 'cat-' . $term_id;
}

/**
 * The origin (scheme, host, port) of a URL, e.g. `https://example.com`.
 *
 * @param string $url Absolute URL.
 * @return string Origin, or '' when the URL has no host.
 */
function beckon_origin_of( string $url ): string {
	$parts = wp_parse_url( $url );
	if ( empty( $parts['host'] ) || empty( $parts['scheme'] ) ) {
		return '';
	}
	$origin = strtolower( $parts['scheme'] ) . '://' . strtolower( $parts['host'] );
	return isset( $parts['port'] ) ? $origin . ':' . (int) $parts['port'] : $origin;
}

/**
 * The origins readers use on this site (home and, when it differs, the site URL).
 *
 * @return string[] Origins.
 */
function beckon_site_origins(): array {
	$origins = array( beckon_origin_of( home_url( '/' ) ), beckon_origin_of( site_url( '/' ) ) );
	return array_values( array_unique( array_filter( $origins ) ) );
}

/**
 * The site icon in a size fit for notifications, or '' when none is set.
 *
 * @return string URL.
 */
function beckon_site_icon_url(): string {
	return (string) apply_filters( 'beckon_icon_url', get_site_icon_url( 192 ) );
}

/**
 * An image URL the backend accepts for a notification (https, or this site's own origin), else ''. A post whose
 * featured image sits on a plain-http CDN still goes out, without the image, instead of failing every retry.
 *
 * @param string $url Image URL.
 * @return string The URL, or '' when push services would not be given it.
 */
function beckon_image_url( string $url ): string {
	if ( 'https' === wp_parse_url( $url, PHP_URL_SCHEME ) ) {
		return $url;
	}
	return in_array( beckon_origin_of( $url ), beckon_site_origins(), true ) ? $url : '';
}

/**
 * Truncates plain text to a number of characters, ending with an ellipsis when cut.
 *
 * @param string $text  Text, may contain markup and entities.
 * @param int    $limit Characters.
 * @return string Plain text.
 */
function beckon_plain_text( string $text, int $limit ): string {
	$text = html_entity_decode( wp_strip_all_tags( $text, true ), ENT_QUOTES | ENT_HTML5, 'UTF-8' );
	$text = trim( (string) preg_replace( '/\s+/u', ' ', $text ) );
	if ( mb_strlen( $text ) <= $limit ) {
		return $text;
	}
	return rtrim( mb_substr( $text, 0, $limit - 1 ) ) . '…';
}

/**
 * Adds a Settings API message for the option. Settings can be saved outside wp-admin too (cron, REST, code),
 * where WordPress has not loaded the Settings API's functions.
 *
 * @param string $code    Code.
 * @param string $message Plain text.
 * @param string $type    One of error, success, warning, info.
 * @return void
 */
function beckon_settings_error( string $code, string $message, string $type = 'error' ): void {
	if ( ! function_exists( 'add_settings_error' ) ) {
		require_once ABSPATH . 'wp-admin/includes/template.php';
	}
	add_settings_error( BECKON_OPTION, $code, $message, $type );
}

/**
 * Queues an admin notice for the current user, shown on their next admin page (survives redirects).
 *
 * @param string $type    One of success, warning, error, info.
 * @param string $message Plain text.
 * @return void
 */
function beckon_add_notice( string $type, string $message ): void {
	$user_id = get_current_user_id();
	if ( ! $user_id ) {
		return;
	}
	$key       = 'beckon_notices_' . $user_id;
	$notices   = get_transient( $key );
	$notices   = is_array( $notices ) ? $notices : array();
	$notices[] = array(
		'type'    => $type,
		'message' => $message,
	);
	set_transient( $key, array_slice( $notices, -5 ), 10 * MINUTE_IN_SECONDS );
}

/**
 * Prints and forgets the current user's queued notices.
 *
 * @return void
 */
function beckon_print_notices(): void {
	$key     = 'beckon_notices_' . get_current_user_id();
	$notices = get_transient( $key );
	if ( ! is_array( $notices ) || array() === $notices ) {
		return;
	}
	delete_transient( $key );
	foreach ( $notices as $notice ) {
		beckon_print_notice( (string) $notice['type'], (string) $notice['message'] );
	}
}

/**
 * Prints one admin notice, optionally ending with a link that says what to do.
 *
 * @param string $type      One of success, warning, error, info.
 * @param string $message   Plain text.
 * @param string $link_url  Optional link.
 * @param string $link_text Its text.
 * @return void
 */
function beckon_print_notice( string $type, string $message, string $link_url = '', string $link_text = '' ): void {
	$type = in_array( $type, array( 'success', 'warning', 'error', 'info' ), true ) ? $type : 'info';
	printf( '<div class="notice notice-%1$s is-dismissible beckon-notice"><p>%2$s', esc_attr( $type ), esc_html( $message ) );
	if ( '' !== $link_url ) {
		printf( ' <a href="%1$s">%2$s</a>', esc_url( $link_url ), esc_html( $link_text ) );
	}
	echo '</p></div>';
}
