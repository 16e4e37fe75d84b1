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
	delete_option( 'beckon_posts_automation' );
	wp_unschedule_hook( 'beckon_retry_push' );
	// Transients (counts cache, per-user notices) have generated names, and no API deletes them by prefix.
	// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the object cache is flushed below.
	$wpdb->query(
		$wpdb->prepare(
			"DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s",
			$wpdb->esc_like( '_transient_beckon_' ) . '%',
			$wpdb->esc_like( '_transient_timeout_beckon_' ) . '%'
		)
	);
	foreach ( array( 'beckon_skip', 'beckon_send_again', '_beckon_notification_id', '_beckon_sent_at', '_beckon_sends', '_beckon_error' ) as $key ) {
		delete_post_meta_by_key( $key );
	}
	delete_metadata( 'comment', 0, '_beckon_notified', '', true );
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
