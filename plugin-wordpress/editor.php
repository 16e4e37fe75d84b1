<?php
/**
 * The per-post switch: post meta `beckon_skip` (do not send on publish) and `beckon_send_again` (send once
 * more on the next update), a panel in the block editor, a checkbox in the classic editor, and a read-only
 * REST field with what was sent. Sending again reaches every subscriber, so only users who may send
 * notifications ({@see beckon_send_capability()}) can ask for it; anyone who may edit the post can skip it.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Registers the switches as post meta for the push post types.
 *
 * @return void
 */
function beckon_register_post_meta(): void {
	foreach ( beckon_push_post_types() as $post_type ) {
		if ( ! post_type_exists( $post_type ) ) {
			continue;
		}
		// The block editor edits meta through the REST API, which shows it only with custom-fields support.
		add_post_type_support( $post_type, 'custom-fields' );
		foreach ( array( 'beckon_skip', 'beckon_send_again' ) as $key ) {
			register_post_meta(
				$post_type,
				$key,
				array(
					'type'          => 'boolean',
					'single'        => true,
					'default'       => false,
					'show_in_rest'  => true,
					'auth_callback' => static function ( $allowed, $meta_key, $post_id ): bool {
						return current_user_can( 'edit_post', $post_id ) && ( 'beckon_send_again' !== $meta_key || beckon_can_send_again() );
					},
				)
			);
		}
		add_filter( 'rest_pre_insert_' . $post_type, 'beckon_rest_drop_send_again_off', 10, 2 );
		register_rest_field(
			$post_type,
			'beckon_push',
			array(
				'get_callback' => 'beckon_rest_push_status',
				'schema'       => array(
					'description' => __( 'The push notification sent for this post.', 'beckon-web-push' ),
					'type'        => 'object',
					'context'     => array( 'edit' ),
					'readonly'    => true,
				),
			)
		);
	}
}

/**
 * Whether the current user may send a post's notification again (it reaches every subscriber).
 *
 * @return bool Allowed.
 */
function beckon_can_send_again(): bool {
	return current_user_can( beckon_send_capability() );
}

/**
 * The block editor saves the whole meta object, `beckon_send_again: false` included, even for users who may
 * not change that key; WordPress would refuse the entire save. An "off" from them changes nothing: drop it.
 *
 * @param stdClass|WP_Error $prepared_post Post about to be saved.
 * @param WP_REST_Request   $request       Request.
 * @return stdClass|WP_Error The post, unchanged.
 */
function beckon_rest_drop_send_again_off( $prepared_post, $request ) {
	$meta = $request instanceof WP_REST_Request ? $request->get_param( 'meta' ) : null;
	if ( is_array( $meta ) && array_key_exists( 'beckon_send_again', $meta ) && empty( $meta['beckon_send_again'] ) && ! beckon_can_send_again() ) {
		unset( $meta['beckon_send_again'] );
		$request->set_param( 'meta', $meta );
	}
	return $prepared_post;
}

/**
 * What was sent for a post, for the editor.
 *
 * @param array<string, mixed> $data Post data from the REST API.
 * @return array<string, mixed> Status.
 */
function beckon_rest_push_status( array $data ): array {
	$post_id = (int) $data['id'];
	$sent_at = (int) get_post_meta( $post_id, '_beckon_sent_at', true );
	return array(
		'connected'      => beckon_is_connected(),
		'notificationId' => (string) get_post_meta( $post_id, '_beckon_notification_id', true ),
		'sentAt'         => $sent_at ? gmdate( 'c', $sent_at ) : null,
		'sends'          => (int) get_post_meta( $post_id, '_beckon_sends', true ),
		'error'          => (string) get_post_meta( $post_id, '_beckon_error', true ),
		'canSendAgain'   => beckon_can_send_again(),
	);
}

/**
 * Loads the block-editor panel for the push post types.
 *
 * @return void
 */
function beckon_enqueue_editor_panel(): void {
	$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
	if ( ! $screen || ! in_array( $screen->post_type, beckon_push_post_types(), true ) ) {
		return;
	}
	wp_enqueue_script(
		'beckon-editor',
		plugins_url( 'assets/editor.js', BECKON_PLUGIN_FILE ),
		array( 'wp-plugins', 'wp-edit-post', 'wp-element', 'wp-components', 'wp-data', 'wp-i18n', 'wp-core-data' ),
		BECKON_VERSION,
		true
	);
	wp_set_script_translations( 'beckon-editor', 'beckon-web-push' );
}

/**
 * The classic editor's checkbox, in the Publish box.
 *
 * @param WP_Post $post Post.
 * @return void
 */
function beckon_classic_switch( $post ): void {
	if ( ! $post instanceof WP_Post || ! in_array( $post->post_type, beckon_push_post_types(), true ) || ! beckon_is_connected() ) {
		return;
	}
	$published = 'publish' === $post->post_status;
	if ( $published && ! beckon_can_send_again() ) {
		return;
	}
	wp_nonce_field( 'beckon_switch_' . $post->ID, 'beckon_switch_nonce' );
	printf( '<input type="hidden" name="beckon_switch_mode" value="%s" />', esc_attr( $published ? 'again' : 'publish' ) );
	echo '<div class="misc-pub-section beckon-switch"><label>';
	if ( $published ) {
		echo '<input type="checkbox" name="beckon_send_again" value="1" /> ';
		esc_html_e( 'Send the push notification again on update', 'beckon-web-push' );
	} else {
		printf( '<input type="checkbox" name="beckon_send" value="1" %s /> ', checked( ! get_post_meta( $post->ID, 'beckon_skip', true ), true, false ) );
		esc_html_e( 'Send a push notification when published', 'beckon-web-push' );
	}
	echo '</label></div>';
}

/**
 * Saves the classic editor's checkbox (runs before wp_after_insert_post, which sends).
 *
 * @param int $post_id Post id.
 * @return void
 */
function beckon_save_classic_switch( int $post_id ): void {
	if ( ! isset( $_POST['beckon_switch_nonce'] ) || ! wp_verify_nonce( sanitize_key( wp_unslash( $_POST['beckon_switch_nonce'] ) ), 'beckon_switch_' . $post_id ) ) {
		return;
	}
	if ( ! current_user_can( 'edit_post', $post_id ) ) {
		return;
	}
	$mode = isset( $_POST['beckon_switch_mode'] ) ? sanitize_key( wp_unslash( $_POST['beckon_switch_mode'] ) ) : '';
	if ( 'again' === $mode ) {
		if ( ! empty( $_POST['beckon_send_again'] ) && beckon_can_send_again() ) {
			update_post_meta( $post_id, 'beckon_send_again', true );
		}
		return;
	}
	update_post_meta( $post_id, 'beckon_skip', empty( $_POST['beckon_send'] ) );
}
