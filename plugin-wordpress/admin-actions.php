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
 * Sends the composed notification to everyone or, as a test, to the current user.
 *
 * @return void
 */
function beckon_handle_send(): void {
	beckon_guard( 'beckon_send', beckon_send_capability() );
	$back = admin_url( 'admin.php?page=beckon' );
	// Each field is unslashed and sanitised as it is read; beckon_guard() has checked the nonce.
	$message = array(
		'title' => beckon_plain_text( isset( $_POST['title'] ) ? sanitize_text_field( wp_unslash( $_POST['title'] ) ) : '', 120 ),
		'body'  => beckon_plain_text( isset( $_POST['body'] ) ? sanitize_textarea_field( wp_unslash( $_POST['body'] ) ) : '', 240 ),
		'url'   => isset( $_POST['url'] ) && is_string( $_POST['url'] ) ? esc_url_raw( wp_unslash( $_POST['url'] ), array( 'http', 'https' ) ) : '',
		'image' => isset( $_POST['image'] ) && is_string( $_POST['image'] ) ? esc_url_raw( wp_unslash( $_POST['image'] ), array( 'http', 'https' ) ) : '',
		'icon'  => beckon_site_icon_url(),
	);
	if ( '' === $message['title'] ) {
		beckon_add_notice( 'error', __( 'A notification needs a title.', 'beckon-web-push' ) );
		wp_safe_redirect( $back );
		exit;
	}
	$test     = isset( $_POST['audience'] ) && 'me' === sanitize_key( wp_unslash( $_POST['audience'] ) );
	$audience = $test ? array( 'userIds' => array( (string) get_current_user_id() ) ) : array( 'all' => true );
	// The form's one-time key makes a double click or a resubmitted form send once; a form without one (a
	// script posting to admin-post.php) gets a key of its own, or all its sends would count as one.
	$form = isset( $_POST['beckon_key'] ) ? sanitize_key( wp_unslash( $_POST['beckon_key'] ) ) : '';
	$key  = sprintf( 'wp-%d-compose-%s', get_current_blog_id(), '' !== $form ? $form : wp_generate_uuid4() );
	$sent = beckon_send_notification( $message, $audience, $key );
	if ( is_wp_error( $sent ) ) {
		/* translators: %s: error message */
		beckon_add_notice( 'error', sprintf( __( 'The notification was not sent: %s', 'beckon-web-push' ), $sent->get_error_message() ) );
		wp_safe_redirect( $back );
		exit;
	}
	if ( $test ) {
		beckon_add_notice( 'success', __( 'Test sent to the browsers where you subscribed while logged in. None yet? Visit the site logged in and subscribe.', 'beckon-web-push' ) );
	} else {
		beckon_add_notice( 'success', $sent['duplicate'] ? __( 'This notification was already sent.', 'beckon-web-push' ) : __( 'Sending your notification.', 'beckon-web-push' ) );
	}
	wp_safe_redirect( add_query_arg( 'beckon_notification', rawurlencode( $sent['notificationId'] ), $back ) );
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
 * Live progress of a notification for the progress bar (admin-ajax, JSON).
 *
 * @return void
 */
function beckon_ajax_progress(): void {
	check_ajax_referer( 'beckon_progress', 'nonce' );
	if ( ! current_user_can( beckon_send_capability() ) ) {
		wp_send_json_error( array( 'message' => __( 'Not allowed.', 'beckon-web-push' ) ), 403 );
	}
	$id = isset( $_GET['notification'] ) ? sanitize_text_field( wp_unslash( $_GET['notification'] ) ) : '';
	if ( ! beckon_is_notification_id( $id ) ) {
		wp_send_json_error( array( 'message' => __( 'Unknown notification.', 'beckon-web-push' ) ), 400 );
	}
	$response = beckon_api_request( 'GET', beckon_site_path( '/notifications/' . $id ), null, array( 'timeout' => 4 ) );
	if ( is_wp_error( $response ) ) {
		wp_send_json_error( array( 'message' => $response->get_error_message() ), 502 );
	}
	$data   = $response['data'];
	$counts = wp_parse_args( is_array( $data['counts'] ?? null ) ? $data['counts'] : array(), array_fill_keys( array( 'targeted', 'sent', 'failed', 'gone', 'shown', 'clicked' ), 0 ) );
	$done   = (int) $counts['sent'] + (int) $counts['failed'] + (int) $counts['gone'];
	$status = (string) ( $data['status'] ?? '' );
	wp_send_json_success(
		array(
			'status'  => $status,
			'counts'  => array_map( 'intval', $counts ),
			'percent' => 'done' === $status ? 100 : (int) floor( 100 * $done / max( 1, (int) $counts['targeted'] ) ),
			'label'   => beckon_progress_label( $status, $counts ),
		)
	);
}

/**
 * The progress bar's text.
 *
 * @param string             $status One of queued, sending, done.
 * @param array<string, int> $counts Counts.
 * @return string Label.
 */
function beckon_progress_label( string $status, array $counts ): string {
	if ( 'done' === $status ) {
		/* translators: 1: delivered, 2: targeted, 3: failed or gone */
		return sprintf( __( 'Done: delivered to %1$d of %2$d (%3$d failed or gone).', 'beckon-web-push' ), $counts['sent'], $counts['targeted'], (int) $counts['failed'] + (int) $counts['gone'] );
	}
	/* translators: 1: delivered so far, 2: targeted */
	return sprintf( __( 'Sending… %1$d of %2$d delivered.', 'beckon-web-push' ), $counts['sent'], $counts['targeted'] );
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
