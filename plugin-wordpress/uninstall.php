<?php
/**
 * Uninstall: removes everything the plugin stored, on every site of a network. Safe to run twice. Sites on
 * the Beckon backend are left alone (other installs or platforms may use them).
 *
 * @package Beckon
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

/**
 * Removes the plugin's options, transients, post and comment meta and scheduled events from the current site.
 *
 * @return void
 */
function beckon_uninstall_site(): void {
	global $wpdb;
	// Not via the plugin's constant: the plugin itself is not loaded while it is uninstalled.
	delete_option( 'beckon_settings' );
	wp_unschedule_hook( 'beckon_retry_push' );
	// Transients (counts cache, per-user notices) have generated names: remove them by prefix.
	$wpdb->query(
		$wpdb->prepare(
			"DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s",
			$wpdb->esc_like( '_transient_beckon_' ) . '%',
			$wpdb->esc_like( '_transient_timeout_beckon_' ) . '%'
		)
	);
	$wpdb->query(
		$wpdb->prepare(
			"DELETE FROM {$wpdb->postmeta} WHERE meta_key IN ('beckon_skip', 'beckon_send_again') OR meta_key LIKE %s",
			$wpdb->esc_like( '_beckon_' ) . '%'
		)
	);
	$wpdb->query(
		$wpdb->prepare(
			"DELETE FROM {$wpdb->commentmeta} WHERE meta_key LIKE %s",
			$wpdb->esc_like( '_beckon_' ) . '%'
		)
	);
}

if ( is_multisite() ) {
	foreach ( get_sites(
		array(
			'fields' => 'ids',
			'number' => 0,
		)
	) as $beckon_blog_id ) {
		switch_to_blog( (int) $beckon_blog_id );
		beckon_uninstall_site();
		restore_current_blog();
	}
} else {
	beckon_uninstall_site();
}
// The rows went with direct queries: drop whatever the object cache still holds of them, once for all sites.
wp_cache_flush();
