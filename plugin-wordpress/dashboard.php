<?php
/**
 * A small dashboard widget with the subscriber counts (cached for a minute so the dashboard stays fast) and a
 * link to the console.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Adds the widget for users who may see Beckon.
 *
 * @return void
 */
function beckon_add_dashboard_widget(): void {
	if ( current_user_can( beckon_send_capability() ) && beckon_is_connected() ) {
		wp_add_dashboard_widget( 'beckon_dashboard', __( 'Beckon subscribers', 'beckon-web-push' ), 'beckon_render_dashboard_widget' );
	}
}

/**
 * Renders the widget.
 *
 * @return void
 */
function beckon_render_dashboard_widget(): void {
	$stats = beckon_fetch_stats();
	if ( is_wp_error( $stats ) ) {
		/* translators: %s: error message */
		echo '<p class="beckon-error">' . esc_html( sprintf( __( 'Could not load the counts: %s', 'beckon-web-push' ), $stats->get_error_message() ) ) . '</p>';
		return;
	}
	$status = is_array( $stats['byStatus'] ?? null ) ? $stats['byStatus'] : array();
	$week   = 0;
	foreach ( array_slice( is_array( $stats['daily'] ?? null ) ? $stats['daily'] : array(), -7 ) as $day ) {
		$week += (int) ( $day['added'] ?? 0 ) - (int) ( $day['removed'] ?? 0 );
	}
	echo '<div class="beckon-tiles beckon-tiles-small">';
	beckon_render_tile( __( 'Active subscribers', 'beckon-web-push' ), (int) ( $stats['active'] ?? 0 ), 'active' );
	beckon_render_tile( __( 'Net change, 7 days', 'beckon-web-push' ), $week, 'week' );
	beckon_render_tile( __( 'Blocked', 'beckon-web-push' ), (int) ( $status['blocked'] ?? 0 ), 'blocked' );
	echo '</div>';
	printf( '<p><a href="%1$s">%2$s</a></p>', esc_url( admin_url( 'admin.php?page=beckon' ) ), esc_html__( 'Open the Beckon console', 'beckon-web-push' ) );
}

/**
 * One count tile.
 *
 * @param string $label Label.
 * @param int    $value Count.
 * @param string $key   Name for tests and styling.
 * @return void
 */
function beckon_render_tile( string $label, int $value, string $key ): void {
	printf( '<div class="beckon-tile" data-count="%1$s"><b>%2$s</b><span>%3$s</span></div>', esc_attr( $key ), esc_html( number_format_i18n( $value ) ), esc_html( $label ) );
}
