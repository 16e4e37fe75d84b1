<?php
/**
 * Installs WordPress headlessly into the tables of the prefix in BECKON_WP_PREFIX and activates a plugin;
 * with "network", turns the install into a multisite network with the plugin network-activated (the way
 * WordPress's own test suite installs one).
 * Usage: php install.php <docroot> <plugin file, e.g. beckon/load.php> [network]
 *
 * @package Beckon
 */

if ( $argc < 3 ) {
	fwrite( STDERR, "usage: php install.php <docroot> <plugin>\n" );
	exit( 2 );
}

define( 'WP_INSTALLING', true );
require __DIR__ . '/cli-request.php';
require $argv[1] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

if ( ! is_blog_installed() ) {
	$installed = wp_install( 'Beckon Test Blog', 'admin', 'admin@example.test', true, '', 'beckon-admin-pass' );
	if ( is_wp_error( $installed ) ) {
		fwrite( STDERR, $installed->get_error_message() . "\n" );
		exit( 1 );
	}
}
update_option( 'blogdescription', 'Where every new post rings a bell' );
update_option( 'timezone_string', 'UTC' );
$GLOBALS['wp_rewrite']->set_permalink_structure( '/%postname%/' );
$GLOBALS['wp_rewrite']->flush_rules( false );

if ( 'network' === ( $argv[3] ?? '' ) ) {
	update_option( 'siteurl', 'http://127.0.0.1' );
	update_option( 'home', 'http://127.0.0.1' );
	define( 'WP_INSTALLING_NETWORK', true );
	// A single site does not name the network tables yet.
	foreach ( $wpdb->tables( 'ms_global' ) as $beckon_table => $beckon_prefixed ) {
		$wpdb->$beckon_table = $beckon_prefixed;
	}
	install_network();
	$network = populate_network( 1, '127.0.0.1', 'admin@example.test', 'Beckon Test Network', '/', false );
	if ( is_wp_error( $network ) ) {
		fwrite( STDERR, 'populate_network: ' . $network->get_error_message() . "\n" );
		exit( 1 );
	}
	// Network activation; update_site_option() is not usable before the network is loaded.
	$wpdb->update(
		$wpdb->sitemeta,
		array( 'meta_value' => serialize( array( $argv[2] => time() ) ) ),
		array(
			'site_id'  => 1,
			'meta_key' => 'active_sitewide_plugins',
		)
	);
}

$activated = activate_plugin( $argv[2] );
if ( is_wp_error( $activated ) ) {
	fwrite( STDERR, 'activate_plugin: ' . $activated->get_error_message() . "\n" );
	exit( 1 );
}
echo wp_json_encode( array( 'installed' => true, 'active' => is_plugin_active( $argv[2] ) ) ), "\n";
