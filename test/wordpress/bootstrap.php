<?php
/**
 * Loads the test WordPress (tables `ut_`, installed by the end-to-end set-up with the plugin active) and
 * connects the plugin to the local Beckon worker with the operator token, through the plugin's own settings.
 *
 * @package Beckon
 */

foreach ( array( 'BECKON_WP_DIR', 'BECKON_URL', 'BECKON_ADMIN_TOKEN' ) as $beckon_name ) {
	if ( ! getenv( $beckon_name ) ) {
		fwrite( STDERR, "$beckon_name is not set: run these tests through test/e2e/wordpress.test.ts\n" );
		exit( 2 );
	}
}

require __DIR__ . '/../support/wordpress/cli-request.php';
require getenv( 'BECKON_WP_DIR' ) . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/post.php';
require_once ABSPATH . 'wp-admin/includes/template.php';
require_once __DIR__ . '/class-beckon-test-case.php';

if ( ! is_plugin_active( 'beckon-web-push/load.php' ) || ! function_exists( 'beckon_get_settings' ) ) {
	fwrite( STDERR, "the Beckon plugin is not active in this WordPress\n" );
	exit( 2 );
}

// A network gets a second site once (creating one is DDL, which no test transaction could roll back).
if ( is_multisite() && ! domain_exists( '127.0.0.1', '/second/' ) ) {
	$beckon_site = wp_insert_site(
		array(
			'domain'  => '127.0.0.1',
			'path'    => '/second/',
			'title'   => 'Second Blog',
			'user_id' => 1,
		)
	);
	if ( is_wp_error( $beckon_site ) ) {
		fwrite( STDERR, 'wp_insert_site: ' . $beckon_site->get_error_message() . "\n" );
		exit( 2 );
	}
}

Beckon_Test_Case::connect();
