<?php
/**
 * Every hook the plugin uses, wired in one place. The functions live in the files named in each group.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Loads translations.
 *
 * @return void
 */
function beckon_load_textdomain(): void {
	load_plugin_textdomain( 'beckon-web-push', false, dirname( plugin_basename( BECKON_PLUGIN_FILE ) ) . '/languages' );
}
add_action( 'init', 'beckon_load_textdomain' );

/**
 * The option is new: same follow-up as a change.
 *
 * @param string $option Option name.
 * @param mixed  $value  Value.
 * @return void
 */
function beckon_settings_added( string $option, $value ): void {
	beckon_settings_changed( array(), $value );
}

// settings.php, connect.php: the option is sanitised wherever it is written, not only on the settings screen.
add_action( 'init', 'beckon_register_settings' );
add_action( 'add_option_' . BECKON_OPTION, 'beckon_settings_added', 10, 2 );
add_action( 'update_option_' . BECKON_OPTION, 'beckon_settings_changed', 10, 2 );
add_action( 'edited_category', 'beckon_category_changed' );
add_action( 'delete_category', 'beckon_category_changed' );

// front.php.
add_action( 'wp_enqueue_scripts', 'beckon_enqueue_widget' );
add_filter( 'script_loader_tag', 'beckon_widget_script_tag', 10, 2 );
add_action( 'parse_request', 'beckon_maybe_serve_service_worker', 0 );
add_filter( 'redirect_canonical', 'beckon_no_canonical_redirect' );

// publish.php.
add_action( 'transition_post_status', 'beckon_note_publish', 10, 3 );
add_action( 'wp_after_insert_post', 'beckon_after_insert_post', 10, 2 );
add_action( 'shutdown', 'beckon_flush_pending_posts' );
add_action( 'beckon_retry_push', 'beckon_retry_push', 10, 3 );

// commerce.php: WooCommerce orders (paid) become the customer's purchase event; the backend keeps one per order.
add_action( 'woocommerce_payment_complete', 'beckon_record_purchase' );
add_action( 'woocommerce_order_status_processing', 'beckon_record_purchase' );
add_action( 'woocommerce_order_status_completed', 'beckon_record_purchase' );
add_action( 'beckon_retry_purchase', 'beckon_retry_purchase', 10, 2 );

// replies.php.
add_action( 'comment_post', 'beckon_comment_posted', 10, 2 );
add_action( 'transition_comment_status', 'beckon_comment_approved', 10, 3 );

// Staff alerts: comments awaiting moderation and new users.
add_action( 'comment_post', 'beckon_alert_pending_comment', 20, 2 );
add_action( 'user_register', 'beckon_alert_new_user' );

// editor.php: after post types are registered (init, 10); it also filters rest_pre_insert_<type> for those types.
add_action( 'init', 'beckon_register_post_meta', 20 );
add_action( 'enqueue_block_editor_assets', 'beckon_enqueue_editor_panel' );
add_action( 'post_submitbox_misc_actions', 'beckon_classic_switch' );
add_action( 'save_post', 'beckon_save_classic_switch' );

// console-token.php: the console's token refresh route.
add_action( 'rest_api_init', 'beckon_register_console_route' );

// admin-page.php (the console), settings-page.php, admin-actions.php, dashboard.php.
add_action( 'admin_menu', 'beckon_admin_menu' );
add_action( 'admin_init', 'beckon_register_settings_fields' );
add_action( 'admin_enqueue_scripts', 'beckon_admin_assets' );
add_filter( 'script_loader_tag', 'beckon_console_script_tag', 10, 2 );
add_filter( 'load_script_textdomain_relative_path', 'beckon_console_script_relative_path', 10, 2 );
add_action( 'admin_notices', 'beckon_admin_notices' );
add_action( 'admin_post_beckon_test_connection', 'beckon_handle_test_connection' );
add_action( 'admin_post_beckon_rotate_identity', 'beckon_handle_rotate_identity' );
add_filter( 'plugin_action_links_' . plugin_basename( BECKON_PLUGIN_FILE ), 'beckon_plugin_action_links' );
add_action( 'wp_dashboard_setup', 'beckon_add_dashboard_widget' );

/**
 * Deactivation stops pending retries; settings and post meta stay (only uninstalling removes them).
 *
 * @return void
 */
function beckon_deactivate(): void {
	wp_unschedule_hook( 'beckon_retry_push' );
}
register_deactivation_hook( BECKON_PLUGIN_FILE, 'beckon_deactivate' );
