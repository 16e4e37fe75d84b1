<?php
/**
 * Code the plugin's WPCS configuration (plugin-wordpress/phpcs.xml.dist) must reject, one finding a line from
 * line 14 on: test/e2e/wordpress.test.ts expects exactly these. Never loaded by WordPress.
 *
 * @package Beckon
 */

/**
 * Everything wrong at once.
 *
 * @return void
 */
function unsafe_render(): void {
	echo $_GET['name'];
	update_option( 'beckon_x', $_POST['x'] );
	printf( '<p>%s</p>', get_the_title() );
	esc_html_e( 'Hello', 'beckon' );
	do_action( 'unprefixed_hook' );
}
