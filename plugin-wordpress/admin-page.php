<?php
/**
 * The "Beckon" admin page: subscriber counts, growth chart, the composer with its progress bar, and recent
 * notifications. Backend failures show as notices on the page; the page itself always renders.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Adds the Beckon menu: the overview and the settings (connect) screen.
 *
 * @return void
 */
function beckon_admin_menu(): void {
	add_menu_page( __( 'Beckon', 'beckon-web-push' ), __( 'Beckon', 'beckon-web-push' ), beckon_send_capability(), 'beckon', 'beckon_render_overview_page', 'dashicons-megaphone', 58 );
	add_submenu_page( 'beckon', __( 'Beckon overview', 'beckon-web-push' ), __( 'Overview', 'beckon-web-push' ), beckon_send_capability(), 'beckon', 'beckon_render_overview_page' );
	add_submenu_page( 'beckon', __( 'Beckon settings', 'beckon-web-push' ), __( 'Settings', 'beckon-web-push' ), 'manage_options', 'beckon-settings', 'beckon_render_settings_page' );
}

/**
 * Styles and the progress script on Beckon's own screens and the dashboard.
 *
 * @param string $hook_suffix Screen.
 * @return void
 */
function beckon_admin_assets( string $hook_suffix ): void {
	if ( ! in_array( $hook_suffix, array( 'toplevel_page_beckon', 'beckon_page_beckon-settings', 'index.php' ), true ) ) {
		return;
	}
	wp_enqueue_style( 'beckon-admin', plugins_url( 'assets/admin.css', BECKON_PLUGIN_FILE ), array(), BECKON_VERSION );
	if ( 'toplevel_page_beckon' === $hook_suffix ) {
		wp_enqueue_script( 'beckon-admin', plugins_url( 'assets/admin.js', BECKON_PLUGIN_FILE ), array( 'wp-i18n' ), BECKON_VERSION, true );
		wp_add_inline_script(
			'beckon-admin',
			'window.beckonAdmin = ' . wp_json_encode(
				array(
					'ajaxUrl' => admin_url( 'admin-ajax.php' ),
					'nonce'   => wp_create_nonce( 'beckon_progress' ),
				)
			) . ';',
			'before'
		);
		wp_set_script_translations( 'beckon-admin', 'beckon-web-push' );
	}
}

/**
 * Renders the overview page.
 *
 * @return void
 */
function beckon_render_overview_page(): void {
	beckon_guard( '', beckon_send_capability() );
	echo '<div class="wrap beckon"><h1>' . esc_html__( 'Beckon', 'beckon-web-push' ) . '</h1>';
	beckon_print_notices();
	if ( ! beckon_is_connected() ) {
		beckon_print_notice( 'warning', __( 'Beckon is not connected to a backend yet. Open Beckon → Settings to connect it.', 'beckon-web-push' ) );
		echo '</div>';
		return;
	}
	$stats = beckon_fetch_stats( true );
	if ( is_wp_error( $stats ) ) {
		/* translators: %s: error message */
		beckon_print_notice( 'error', sprintf( __( 'Could not load the subscriber counts: %s', 'beckon-web-push' ), $stats->get_error_message() ) );
		$stats = array();
	} else {
		beckon_render_stats( $stats );
	}
	beckon_render_composer( (int) ( $stats['active'] ?? 0 ) );
	beckon_render_recent();
	echo '</div>';
}

/**
 * Count tiles, status and browser breakdown, and the growth chart.
 *
 * @param array<string, mixed> $stats Stats from the backend.
 * @return void
 */
function beckon_render_stats( array $stats ): void {
	$status = wp_parse_args(
		is_array( $stats['byStatus'] ?? null ) ? $stats['byStatus'] : array(),
		array_fill_keys( array( 'ask', 'allowed', 'blocked', 'unsupported', 'suspended' ), 0 )
	);
	$labels = array(
		'allowed'     => __( 'Subscribed', 'beckon-web-push' ),
		'ask'         => __( 'Not asked yet or undecided', 'beckon-web-push' ),
		'blocked'     => __( 'Blocked', 'beckon-web-push' ),
		'unsupported' => __( 'Browser cannot receive push', 'beckon-web-push' ),
		'suspended'   => __( 'Suspended (another user logged in)', 'beckon-web-push' ),
	);
	$total  = array_sum( array_map( 'intval', $status ) );
	echo '<div class="beckon-tiles">';
	beckon_render_tile( __( 'Active subscribers', 'beckon-web-push' ), (int) ( $stats['active'] ?? 0 ), 'active' );
	beckon_render_tile( __( 'Browsers seen', 'beckon-web-push' ), $total, 'total' );
	beckon_render_tile( __( 'Blocked', 'beckon-web-push' ), (int) $status['blocked'], 'blocked' );
	echo '</div><div class="beckon-columns"><div class="beckon-panel beckon-growth"><h2>' . esc_html__( 'Growth', 'beckon-web-push' ) . '</h2>';
	echo wp_kses( beckon_growth_chart_svg( is_array( $stats['daily'] ?? null ) ? $stats['daily'] : array() ), beckon_svg_allowed_html() );
	echo '</div><div class="beckon-panel"><h2>' . esc_html__( 'By status', 'beckon-web-push' ) . '</h2><table class="beckon-breakdown" id="beckon-by-status">';
	foreach ( $labels as $key => $label ) {
		printf( '<tr data-status="%s"><th scope="row">%s</th><td>%s</td></tr>', esc_attr( $key ), esc_html( $label ), esc_html( number_format_i18n( (int) $status[ $key ] ) ) );
	}
	echo '</table><h2>' . esc_html__( 'By browser', 'beckon-web-push' ) . '</h2><table class="beckon-breakdown" id="beckon-by-browser">';
	$browsers = is_array( $stats['byBrowser'] ?? null ) ? $stats['byBrowser'] : array();
	arsort( $browsers );
	if ( array() === $browsers ) {
		echo '<tr><td>' . esc_html__( 'No subscribers yet.', 'beckon-web-push' ) . '</td></tr>';
	}
	$top = max( 1, $browsers ? (int) max( $browsers ) : 1 );
	foreach ( $browsers as $browser => $count ) {
		printf(
			'<tr data-browser="%1$s"><th scope="row">%2$s</th><td><span class="beckon-bar" style="width:%3$d%%"></span>%4$s</td></tr>',
			esc_attr( (string) $browser ),
			esc_html( ucfirst( (string) $browser ) ),
			(int) round( 100 * (int) $count / $top ),
			esc_html( number_format_i18n( (int) $count ) )
		);
	}
	echo '</table></div></div>';
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

/**
 * Recent notifications with their counts.
 *
 * @return void
 */
function beckon_render_recent(): void {
	echo '<div class="beckon-panel beckon-recent"><h2>' . esc_html__( 'Recent notifications', 'beckon-web-push' ) . '</h2>';
	$recent = beckon_api_request( 'GET', beckon_site_path( '/notifications?limit=10' ), null, array( 'timeout' => 4 ) );
	if ( is_wp_error( $recent ) ) {
		/* translators: %s: error message */
		beckon_print_notice( 'error', sprintf( __( 'Could not load recent notifications: %s', 'beckon-web-push' ), $recent->get_error_message() ) );
		echo '</div>';
		return;
	}
	$list = is_array( $recent['data']['notifications'] ?? null ) ? $recent['data']['notifications'] : array();
	if ( array() === $list ) {
		echo '<p>' . esc_html__( 'Nothing sent yet.', 'beckon-web-push' ) . '</p></div>';
		return;
	}
	echo '<table class="widefat striped" id="beckon-recent"><thead><tr>';
	foreach ( array( __( 'Notification', 'beckon-web-push' ), __( 'Status', 'beckon-web-push' ), __( 'Sent', 'beckon-web-push' ), __( 'Delivered', 'beckon-web-push' ), __( 'Shown', 'beckon-web-push' ), __( 'Clicked', 'beckon-web-push' ) ) as $heading ) {
		echo '<th scope="col">' . esc_html( $heading ) . '</th>';
	}
	echo '</tr></thead><tbody>';
	foreach ( $list as $item ) {
		$counts  = wp_parse_args( is_array( $item['counts'] ?? null ) ? $item['counts'] : array(), array_fill_keys( array( 'targeted', 'sent', 'shown', 'clicked' ), 0 ) );
		$created = strtotime( (string) ( $item['createdAt'] ?? '' ) );
		$rate    = (int) $counts['sent'] > 0 ? sprintf( ' (%s%%)', number_format_i18n( 100 * (int) $counts['clicked'] / (int) $counts['sent'], 0 ) ) : '';
		// dir="auto" isolates the title, so a right-to-left override in it cannot reorder the text around it.
		printf(
			'<tr data-notification="%1$s"><td><strong dir="auto">%2$s</strong><br /><span class="description">%3$s</span></td><td>%4$s</td><td>%5$s</td><td>%6$s</td><td>%7$s</td><td>%8$s</td></tr>',
			esc_attr( (string) ( $item['notificationId'] ?? '' ) ),
			esc_html( (string) ( $item['message']['title'] ?? '' ) ),
			esc_html( $created ? wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $created ) : '' ),
			esc_html( beckon_status_label( (string) ( $item['status'] ?? '' ) ) ),
			esc_html( number_format_i18n( (int) $counts['targeted'] ) ),
			esc_html( number_format_i18n( (int) $counts['sent'] ) ),
			esc_html( number_format_i18n( (int) $counts['shown'] ) ),
			esc_html( number_format_i18n( (int) $counts['clicked'] ) . $rate )
		);
	}
	echo '</tbody></table></div>';
}

/**
 * A notification status for people.
 *
 * @param string $status One of queued, sending, done.
 * @return string Label.
 */
function beckon_status_label( string $status ): string {
	$labels = array(
		'queued'  => __( 'Queued', 'beckon-web-push' ),
		'sending' => __( 'Sending', 'beckon-web-push' ),
		'done'    => __( 'Done', 'beckon-web-push' ),
	);
	return $labels[ $status ] ?? $status;
}
