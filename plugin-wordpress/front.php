<?php
/**
 * Front end: the widget script (async, configured through the data attributes of its own tag) and the
 * same-origin service-worker stub at the site root.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Script handle of the widget. */
const BECKON_WIDGET_HANDLE = 'beckon-widget';

/**
 * Whether a known PWA plugin registers its own service worker at the root scope (the settings screen warns
 * when Beckon is set to the root scope too).
 *
 * @return bool Detected.
 */
function beckon_pwa_detected(): bool {
	$found = defined( 'PWA_VERSION' ) || defined( 'SUPERPWA_VERSION' ) || defined( 'PWAFORWP_PLUGIN_FILE' ) || function_exists( 'wp_register_service_worker_script' );
	return (bool) apply_filters( 'beckon_pwa_detected', $found );
}

/**
 * The path scope Beckon's service worker registers with. By default a scope of its own under the home path:
 * one scope holds one worker, so at the root ours and a PWA's (or a caching plugin's) would keep replacing
 * each other. Push and notification clicks work in any scope (the worker focuses uncontrolled tabs too).
 *
 * @return string Path such as `/beckon/` or `/`.
 */
function beckon_scope(): string {
	$settings = beckon_get_settings();
	$home     = trailingslashit( (string) wp_parse_url( home_url( '/' ), PHP_URL_PATH ) );
	if ( 'custom' === $settings['scope'] ) {
		return (string) $settings['custom_scope'];
	}
	return 'root' === $settings['scope'] ? $home : $home . 'beckon/';
}

/**
 * URL of the service-worker stub on this site: `/beckon-sw.js`, or `/?beckon_sw=1` without pretty permalinks
 * (no server rewrite may route an unknown file to WordPress then).
 *
 * @return string URL.
 */
function beckon_service_worker_url(): string {
	return get_option( 'permalink_structure' ) ? home_url( '/beckon-sw.js' ) : add_query_arg( 'beckon_sw', '1', home_url( '/' ) );
}

/**
 * The widget's configuration for this page view.
 *
 * @return array<string, string> siteId, api, serviceWorker, scope and, for logged-in users, identity.
 */
function beckon_widget_config(): array {
	$settings = beckon_get_settings();
	$config   = array(
		'siteId'        => (string) $settings['site_id'],
		'api'           => (string) $settings['url'],
		'serviceWorker' => beckon_service_worker_url(),
		'scope'         => beckon_scope(),
	);
	$token    = is_user_logged_in() ? beckon_identity_token( get_current_user_id() ) : '';
	if ( '' !== $token ) {
		$config['identity'] = $token;
		// A page naming its user must never be served to someone else from a page cache.
		if ( ! defined( 'DONOTCACHEPAGE' ) ) {
			define( 'DONOTCACHEPAGE', true ); // phpcs:ignore WordPress.NamingConventions.PrefixAllGlobals.NonPrefixedConstantFound -- the page caches' own signal.
		}
	}
	return (array) apply_filters( 'beckon_widget_config', $config );
}

/**
 * Enqueues the widget from the backend; its config, computed once per page view (one identity token), rides
 * along with the script for {@see beckon_widget_script_tag()}.
 *
 * @return void
 */
function beckon_enqueue_widget(): void {
	if ( ! beckon_is_connected() || ! apply_filters( 'beckon_show_widget', true ) ) {
		return;
	}
	$config = beckon_widget_config();
	// phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion -- the backend versions its own script.
	wp_enqueue_script( BECKON_WIDGET_HANDLE, $config['api'] . '/beckon.js', array(), null, false );
	wp_script_add_data( BECKON_WIDGET_HANDLE, 'beckon_config', $config );
}

/**
 * Makes the widget's script tag async and adds its config as data attributes: the widget reads them from its
 * own tag (and then ignores any `window.BeckonConfig`).
 *
 * @param string $tag    Printed HTML.
 * @param string $handle Script handle.
 * @return string HTML.
 */
function beckon_widget_script_tag( string $tag, string $handle ): string {
	$config = BECKON_WIDGET_HANDLE === $handle ? wp_scripts()->get_data( $handle, 'beckon_config' ) : null;
	if ( ! is_array( $config ) ) {
		return $tag;
	}
	$attributes = array(
		'data-site'     => $config['siteId'],
		'data-api'      => $config['api'],
		'data-sw'       => $config['serviceWorker'],
		'data-scope'    => $config['scope'],
		'data-identity' => isset( $config['identity'] ) ? $config['identity'] : '',
	);
	$extra      = ' async';
	foreach ( array_filter( $attributes ) as $name => $value ) {
		$extra .= sprintf( ' %s="%s"', $name, esc_attr( $value ) );
	}
	$pattern = '/<script\b[^>]*\bid=([\'"])' . preg_quote( BECKON_WIDGET_HANDLE, '/' ) . '-js\1/';
	return (string) preg_replace_callback(
		$pattern,
		static function ( array $found ) use ( $extra ): string {
			return $found[0] . $extra;
		},
		$tag,
		1
	);
}

/**
 * Serves the service-worker stub for `/beckon-sw.js` (or `?beckon_sw=1`) before WordPress routes the request,
 * so no template, canonical redirect or trailing slash gets in the way.
 *
 * @return void
 */
function beckon_maybe_serve_service_worker(): void {
	if ( ! beckon_is_service_worker_request() ) {
		return;
	}
	$settings = beckon_get_settings();
	if ( ! beckon_is_connected() ) {
		status_header( 404 );
		header( 'Content-Type: text/javascript; charset=utf-8' );
		echo "// Beckon is not connected.\n";
		exit;
	}
	status_header( 200 );
	header( 'Content-Type: text/javascript; charset=utf-8' );
	header( 'Service-Worker-Allowed: /' );
	header( 'Cache-Control: no-cache, max-age=0' );
	header( 'X-Content-Type-Options: nosniff' );
	header( 'X-Robots-Tag: noindex' );
	$script = beckon_service_worker_script_url( (string) $settings['url'], (string) $settings['site_id'] );
	echo 'importScripts(' . wp_json_encode( $script, JSON_UNESCAPED_SLASHES ) . ");\n";
	exit;
}

/**
 * Whether the current request asks for the stub.
 *
 * @return bool Stub request.
 */
function beckon_is_service_worker_request(): bool {
	// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a public, read-only URL.
	if ( isset( $_GET['beckon_sw'] ) ) {
		return true;
	}
	$uri  = isset( $_SERVER['REQUEST_URI'] ) ? sanitize_text_field( wp_unslash( $_SERVER['REQUEST_URI'] ) ) : '';
	$path = (string) wp_parse_url( $uri, PHP_URL_PATH );
	return '' !== $path && (string) wp_parse_url( home_url( '/beckon-sw.js' ), PHP_URL_PATH ) === $path;
}

/**
 * The site's service worker on the backend, which the one-line stub imports.
 *
 * @param string $url     Backend URL.
 * @param string $site_id Site id.
 * @return string Script URL.
 */
function beckon_service_worker_script_url( string $url, string $site_id ): string {
	return $url . '/v1/sites/' . rawurlencode( $site_id ) . '/sw.js';
}

/**
 * Never lets WordPress redirect the stub (a redirected service-worker script fails to register).
 *
 * @param string|false $redirect_url Where WordPress would redirect.
 * @return string|false Redirect or false.
 */
function beckon_no_canonical_redirect( $redirect_url ) {
	return beckon_is_service_worker_request() ? false : $redirect_url;
}
