<?php
/**
 * Admin actions: each checks its nonce and capability first, reports through a notice and redirects back
 * (post/redirect/get), so no backend failure ever ends in a white screen.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * "Test connection" on the settings screen.
 *
 * @return void
 */
function beckon_handle_test_connection(): void {
	beckon_guard( 'beckon_test_connection', 'manage_options' );
	$result = beckon_test_connection();
	beckon_add_notice( $result['ok'] ? 'success' : 'error', $result['message'] );
	foreach ( $result['warnings'] as $warning ) {
		beckon_add_notice( 'warning', $warning );
	}
	wp_safe_redirect( admin_url( 'admin.php?page=beckon-settings' ) );
	exit;
}

/**
 * "Create a new identity secret" on the settings screen.
 *
 * @return void
 */
function beckon_handle_rotate_identity(): void {
	beckon_guard( 'beckon_rotate_identity', 'manage_options' );
	$rotated = beckon_rotate_identity_secret();
	if ( is_wp_error( $rotated ) ) {
		beckon_add_notice( 'error', $rotated->get_error_message() );
	} else {
		beckon_add_notice( 'success', __( 'Stored a new identity secret; logged-in readers are recognised from their next page view.', 'beckon-web-push' ) );
	}
	wp_safe_redirect( admin_url( 'admin.php?page=beckon-settings' ) );
	exit;
}

/**
 * "Settings" link on the Plugins screen.
 *
 * @param string[] $links Links.
 * @return string[] Links.
 */
function beckon_plugin_action_links( array $links ): array {
	array_unshift( $links, sprintf( '<a href="%s">%s</a>', esc_url( admin_url( 'admin.php?page=beckon-settings' ) ), esc_html__( 'Settings', 'beckon-web-push' ) ) );
	return $links;
}

/**
 * Reminds administrators to connect, on the dashboard and the Plugins screen; prints queued notices anywhere
 * else in wp-admin (e.g. a failed push after publishing in the classic editor).
 *
 * @return void
 */
function beckon_admin_notices(): void {
	$screen = get_current_screen();
	if ( ! $screen || in_array( $screen->id, array( 'toplevel_page_beckon', 'beckon_page_beckon-settings' ), true ) ) {
		return;
	}
	beckon_print_notices();
	if ( ! beckon_is_connected() && current_user_can( 'manage_options' ) && in_array( $screen->id, array( 'dashboard', 'plugins' ), true ) ) {
		printf(
			'<div class="notice notice-info"><p>%1$s <a href="%2$s">%3$s</a></p></div>',
			esc_html__( 'Beckon is active but not connected to a backend yet.', 'beckon-web-push' ),
			esc_url( admin_url( 'admin.php?page=beckon-settings' ) ),
			esc_html__( 'Connect it', 'beckon-web-push' )
		);
	}
}
