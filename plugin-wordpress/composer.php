<?php
/**
 * The composer on the Beckon page: title, message, link and image, sent to everyone or as a test to the
 * current user, with the progress bar of the notification sent last (assets/admin.js polls it).
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The composer: title, body, link, image; send to everyone or a test to me. Shows the progress bar of the
 * notification sent last.
 *
 * @param int $active Active subscribers, for the button label.
 * @return void
 */
function beckon_render_composer( int $active ): void {
	// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- display only; the id is validated.
	$sent = isset( $_GET['beckon_notification'] ) ? sanitize_text_field( wp_unslash( $_GET['beckon_notification'] ) ) : '';
	echo '<div class="beckon-panel beckon-composer"><h2>' . esc_html__( 'Send a notification', 'beckon-web-push' ) . '</h2>';
	if ( beckon_is_notification_id( $sent ) ) {
		printf(
			'<div class="beckon-progress" data-notification="%1$s" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><div class="beckon-progress-track"><span></span></div><p class="beckon-progress-label">%2$s</p></div>',
			esc_attr( $sent ),
			esc_html__( 'Sending…', 'beckon-web-push' )
		);
	}
	echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="beckon-compose-form">';
	echo '<input type="hidden" name="action" value="beckon_send" />';
	echo '<input type="hidden" name="beckon_key" value="' . esc_attr( wp_generate_uuid4() ) . '" />';
	wp_nonce_field( 'beckon_send' );
	$fields = array(
		'title' => array(
			__( 'Title', 'beckon-web-push' ),
			'text',
			array(
				'required'  => 'required',
				'maxlength' => '120',
			),
		),
		'body'  => array( __( 'Message', 'beckon-web-push' ), 'textarea', array( 'maxlength' => '240' ) ),
		'url'   => array( __( 'Link', 'beckon-web-push' ), 'url', array( 'placeholder' => home_url( '/' ) ) ),
		'image' => array( __( 'Image URL', 'beckon-web-push' ), 'url', array( 'placeholder' => 'https://' ) ),
	);
	echo '<table class="form-table" role="presentation">';
	foreach ( $fields as $name => $field ) {
		$id = 'beckon-' . $name;
		printf( '<tr><th scope="row"><label for="%1$s">%2$s</label></th><td>', esc_attr( $id ), esc_html( $field[0] ) );
		if ( 'textarea' === $field[1] ) {
			printf( '<textarea id="%1$s" name="%2$s" rows="3" class="large-text"', esc_attr( $id ), esc_attr( $name ) );
		} else {
			printf( '<input id="%1$s" name="%2$s" type="%3$s" class="regular-text"', esc_attr( $id ), esc_attr( $name ), esc_attr( $field[1] ) );
		}
		foreach ( $field[2] as $attribute => $value ) {
			printf( ' %1$s="%2$s"', esc_attr( $attribute ), esc_attr( $value ) );
		}
		echo 'textarea' === $field[1] ? '></textarea>' : ' />';
		echo '</td></tr>';
	}
	echo '</table><p class="submit">';
	/* translators: %s: number of subscribers */
	$all = sprintf( _n( 'Send to %s subscriber', 'Send to all %s subscribers', $active, 'beckon-web-push' ), number_format_i18n( $active ) );
	printf( '<button type="submit" name="audience" value="all" class="button button-primary">%s</button> ', esc_html( $all ) );
	printf( '<button type="submit" name="audience" value="me" class="button">%s</button>', esc_html__( 'Send a test to me', 'beckon-web-push' ) );
	echo '</p></form></div>';
}
