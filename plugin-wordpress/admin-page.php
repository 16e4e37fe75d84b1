<?php
/**
 * The "Beckon" admin page: the Beckon console (served by the backend) mounted inside wp-admin with a console token
 * minted for the current user. When the plugin is not connected or the backend cannot be reached, the page says
 * what to do in a notice instead.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Script and style handle of the console. */
const BECKON_CONSOLE_HANDLE = 'beckon-console';

/**
 * The console script's path for translations: WordPress names a script's JSON translations after the md5 of its
 * path relative to the plugin, which a script from the backend does not have, so the plugin gives it this one
 * ({@see beckon_console_script_relative_path()}): `beckon-web-push-<locale>-<md5 of console/console.js>.json`.
 */
const BECKON_CONSOLE_SCRIPT_PATH = 'console/console.js';

/**
 * Adds the Beckon menu: the console and the settings (connect) screen.
 *
 * @return void
 */
function beckon_admin_menu(): void {
	add_menu_page( __( 'Beckon', 'beckon-web-push' ), __( 'Beckon', 'beckon-web-push' ), beckon_send_capability(), 'beckon', 'beckon_render_console_page', 'dashicons-megaphone', 58 );
	add_submenu_page( 'beckon', __( 'Beckon console', 'beckon-web-push' ), __( 'Console', 'beckon-web-push' ), beckon_send_capability(), 'beckon', 'beckon_render_console_page' );
	add_submenu_page( 'beckon', __( 'Beckon settings', 'beckon-web-push' ), __( 'Settings', 'beckon-web-push' ), 'manage_options', 'beckon-settings', 'beckon_render_settings_page' );
}

/**
 * The plugin's own styles on the settings screen and the dashboard (the console brings its own).
 *
 * @param string $hook_suffix Screen.
 * @return void
 */
function beckon_admin_assets( string $hook_suffix ): void {
	if ( in_array( $hook_suffix, array( 'beckon_page_beckon-settings', 'index.php' ), true ) ) {
		wp_enqueue_style( 'beckon-admin', plugins_url( 'assets/admin.css', BECKON_PLUGIN_FILE ), array(), BECKON_VERSION );
	}
}

/**
 * Renders the console page: notices first, then the console's mount point, or a notice saying what to do.
 *
 * @return void
 */
function beckon_render_console_page(): void {
	beckon_guard( '', beckon_send_capability() );
	echo '<div class="wrap beckon"><h1>' . esc_html__( 'Beckon', 'beckon-web-push' ) . '</h1>';
	beckon_print_notices();
	$token = beckon_console_token( wp_get_current_user() );
	if ( is_wp_error( $token ) ) {
		beckon_console_unavailable( $token );
	} else {
		beckon_enqueue_console( $token );
		printf( '<div id="beckon-console" data-host="wordpress" data-api="%s"></div>', esc_attr( beckon_console_api() ) );
	}
	echo '</div>';
}

/**
 * The backend's URL the console calls and loads from, without a trailing slash.
 *
 * @return string URL.
 */
function beckon_console_api(): string {
	return untrailingslashit( (string) beckon_get_settings()['url'] );
}

/**
 * The console's module script on the backend.
 *
 * @return string URL.
 */
function beckon_console_script_url(): string {
	return beckon_console_api() . '/' . BECKON_CONSOLE_SCRIPT_PATH;
}

/**
 * Enqueues the console's style and module script from the backend, with `window.beckonConsoleWp` (the first
 * token, the refresh route and its nonce) defined before it, and its translations: the console translates its
 * texts with `wp.i18n` in the plugin's text domain when it shows them, and WordPress prints the user's locale's
 * JSON translations (from the plugin's languages folder, or wp-content/languages) as a classic inline script
 * before the module runs. Called while the page renders: everything prints in the footer, the style before the
 * script, and the backend is only asked for them once it has answered.
 *
 * @param array<string, mixed> $token ConsoleToken for the current user.
 * @return void
 */
function beckon_enqueue_console( array $token ): void {
	$api = beckon_console_api();
	// phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion -- the backend versions its own files.
	wp_enqueue_style( BECKON_CONSOLE_HANDLE, $api . '/console/console.css', array(), null );
	// phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion -- the backend versions its own files.
	wp_enqueue_script( BECKON_CONSOLE_HANDLE, beckon_console_script_url(), array( 'wp-i18n' ), null, true );
	wp_set_script_translations( BECKON_CONSOLE_HANDLE, 'beckon-web-push', plugin_dir_path( BECKON_PLUGIN_FILE ) . 'languages' );
	$boot = array(
		'token'      => $token,
		'refreshUrl' => rest_url( 'beckon/v1/console-token' ),
		'nonce'      => wp_create_nonce( 'wp_rest' ),
	);
	wp_add_inline_script( BECKON_CONSOLE_HANDLE, 'window.beckonConsoleWp = ' . wp_json_encode( $boot ) . ';', 'before' );
}

/**
 * Loads the console as a module: adds `type="module"` to its own tag (not to its inline "before" script, which
 * shares the printed HTML). WordPress 6.1 has no script modules API, so this works on every supported version.
 *
 * @param string $tag    Printed HTML.
 * @param string $handle Script handle.
 * @return string HTML.
 */
function beckon_console_script_tag( string $tag, string $handle ): string {
	if ( BECKON_CONSOLE_HANDLE !== $handle ) {
		return $tag;
	}
	return (string) preg_replace_callback(
		'/<script\b[^>]*\bid=([\'"])' . preg_quote( BECKON_CONSOLE_HANDLE, '/' ) . '-js\1[^>]*>/',
		static function ( array $found ): string {
			$open = (string) preg_replace( '/\stype=([\'"])[^\'"]*\1/', '', $found[0] );
			return '<script type="module"' . substr( $open, strlen( '<script' ) );
		},
		$tag,
		1
	);
}

/**
 * Gives the console's script, which comes from the backend (another host, so WordPress finds no path for it), the
 * stable relative path {@see BECKON_CONSOLE_SCRIPT_PATH}, whatever the backend's URL, so its JSON translations are
 * `beckon-web-push-<locale>-<md5 of console/console.js>.json`. Any other script's path is left as it is.
 *
 * @param string|false $relative Relative path WordPress found, or false.
 * @param string       $src      The script's full URL.
 * @return string|false Relative path.
 */
function beckon_console_script_relative_path( $relative, $src ) {
	if ( '' !== beckon_console_api() && beckon_console_script_url() === $src ) {
		return BECKON_CONSOLE_SCRIPT_PATH;
	}
	return $relative;
}

/**
 * Says why the console is not shown and what to do about it.
 *
 * @param WP_Error $error Why no token was minted.
 * @return void
 */
function beckon_console_unavailable( WP_Error $error ): void {
	$admin    = current_user_can( 'manage_options' );
	$settings = admin_url( 'admin.php?page=beckon-settings' );
	if ( 'beckon_not_connected' === $error->get_error_code() ) {
		$message = $admin ? __( 'Beckon is not connected to a backend yet.', 'beckon-web-push' ) : __( 'Beckon is not connected to a backend yet. Ask an administrator to connect it under Beckon → Settings.', 'beckon-web-push' );
		beckon_print_notice( 'warning', $message, $admin ? $settings : '', __( 'Connect it under Beckon → Settings', 'beckon-web-push' ) );
		return;
	}
	/* translators: %s: error message */
	$message = sprintf( __( 'The Beckon console could not be opened: %s', 'beckon-web-push' ), $error->get_error_message() );
	if ( $admin ) {
		beckon_print_notice( 'error', $message, $settings, __( 'Check the connection under Beckon → Settings', 'beckon-web-push' ) );
	} else {
		beckon_print_notice( 'error', $message . ' ' . __( 'Try again later, or ask an administrator to check the connection.', 'beckon-web-push' ) );
	}
}
