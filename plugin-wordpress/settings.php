<?php
/**
 * The one option the plugin stores (`beckon_settings`): its defaults, registration and sanitising to a shape.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Defaults for every setting. New keys get their default here, never by rewriting stored values.
 *
 * @return array<string, mixed> Defaults.
 */
function beckon_default_settings(): array {
	return array(
		'url'             => '',
		'site_id'         => '',
		'api_key'         => '',
		'identity_secret' => '',
		'post_types'      => array( 'post' ),
		'categories'      => array(),
		'notify_replies'  => true,
		'scope'           => 'beckon',
		'custom_scope'    => '/beckon/',
	);
}

/**
 * Registers the option with the Settings API.
 *
 * @return void
 */
function beckon_register_settings(): void {
	register_setting(
		'beckon',
		BECKON_OPTION,
		array(
			'type'              => 'object',
			'sanitize_callback' => 'beckon_sanitize_settings',
			'default'           => beckon_default_settings(),
			'show_in_rest'      => false,
		)
	);
}

/**
 * Sanitises submitted settings into the stored shape. Keys missing from the input keep their stored value,
 * and empty secret fields keep the stored secret (the form never echoes secrets back). An operator token is
 * used once to create the site on the backend and is never stored.
 *
 * @param mixed $input Submitted value.
 * @return array<string, mixed> Settings to store.
 */
function beckon_sanitize_settings( $input ): array {
	$current = beckon_get_settings();
	$input   = is_array( $input ) ? $input : array();
	$out     = $current;

	if ( ! empty( $input['disconnect'] ) ) {
		$out['site_id']         = '';
		$out['api_key']         = '';
		$out['identity_secret'] = '';
		beckon_settings_error( 'beckon_disconnected', __( 'Disconnected from the Beckon backend.', 'beckon-web-push' ), 'success' );
		return beckon_sanitize_behaviour( $input, $out );
	}

	if ( array_key_exists( 'url', $input ) ) {
		$url = beckon_sanitize_backend_url( (string) $input['url'] );
		if ( null === $url ) {
			beckon_settings_error( 'beckon_url', __( 'The backend URL must be an https:// URL (http:// only for localhost).', 'beckon-web-push' ) );
		} else {
			$out['url'] = $url;
		}
	}
	if ( array_key_exists( 'site_id', $input ) ) {
		$site_id = trim( (string) $input['site_id'] );
		if ( '' === $site_id || preg_match( '/^site_[A-Za-z0-9_-]{1,40}$/', $site_id ) ) {
			$out['site_id'] = $site_id;
		} else {
			beckon_settings_error( 'beckon_site_id', __( 'The site id looks like site_ followed by letters and digits.', 'beckon-web-push' ) );
		}
	}
	$secrets = array(
		'api_key'         => array( '/^bk_[A-Za-z0-9_-]{10,200}$/', __( 'The API key looks like bk_ followed by letters and digits.', 'beckon-web-push' ) ),
		'identity_secret' => array( '/^bis_[A-Za-z0-9_-]{10,200}$/', __( 'The identity secret looks like bis_ followed by letters and digits.', 'beckon-web-push' ) ),
	);
	foreach ( $secrets as $key => $rule ) {
		$value = isset( $input[ $key ] ) ? trim( (string) $input[ $key ] ) : '';
		if ( '' === $value ) {
			continue;
		}
		if ( preg_match( $rule[0], $value ) ) {
			$out[ $key ] = $value;
		} else {
			beckon_settings_error( 'beckon_' . $key, $rule[1] );
		}
	}

	$token = isset( $input['operator_token'] ) ? trim( (string) $input['operator_token'] ) : '';
	if ( '' !== $token ) {
		$out = beckon_connect_with_operator_token( $out, $token );
	}
	return beckon_sanitize_behaviour( $input, $out );
}

/**
 * Sanitises the publishing and front-end settings.
 *
 * @param array<string, mixed> $input Submitted value.
 * @param array<string, mixed> $out   Settings so far.
 * @return array<string, mixed> Settings.
 */
function beckon_sanitize_behaviour( array $input, array $out ): array {
	// Checkbox groups send nothing when all are unticked; the form's marker field says they were shown.
	$form = ! empty( $input['form'] );
	if ( $form || isset( $input['post_types'] ) ) {
		$public            = get_post_types( array( 'public' => true ) );
		$chosen            = isset( $input['post_types'] ) ? array_map( 'strval', (array) $input['post_types'] ) : array();
		$out['post_types'] = array_values( array_intersect( $chosen, array_diff( $public, array( 'attachment' ) ) ) );
	}
	if ( $form || isset( $input['categories'] ) ) {
		$ids               = isset( $input['categories'] ) ? array_map( 'absint', (array) $input['categories'] ) : array();
		$existing          = get_terms(
			array(
				'taxonomy'   => 'category',
				'include'    => $ids ? $ids : array( 0 ),
				'fields'     => 'ids',
				'hide_empty' => false,
			)
		);
		$ids               = array_values( array_intersect( $ids, is_array( $existing ) ? array_map( 'intval', $existing ) : array() ) );
		$out['categories'] = array_slice( $ids, 0, 12 );
		if ( count( $ids ) > 12 ) {
			beckon_settings_error( 'beckon_categories', __( 'Readers can choose from at most 12 categories; the first 12 were kept.', 'beckon-web-push' ), 'warning' );
		}
	}
	if ( $form || isset( $input['notify_replies'] ) ) {
		$out['notify_replies'] = ! empty( $input['notify_replies'] );
	}
	if ( isset( $input['scope'] ) ) {
		$scope        = (string) $input['scope'];
		$out['scope'] = in_array( $scope, array( 'beckon', 'root', 'custom' ), true ) ? $scope : 'beckon';
	}
	if ( isset( $input['custom_scope'] ) ) {
		$path = '/' . trim( (string) $input['custom_scope'], " /\t\n" ) . '/';
		if ( '//' === $path || ( preg_match( '#^/[A-Za-z0-9._~/-]*/$#', $path ) && false === strpos( $path, '..' ) && false === strpos( $path, '//' ) ) ) {
			$out['custom_scope'] = '//' === $path ? '/' : $path;
		} else {
			beckon_settings_error( 'beckon_scope', __( 'The service worker scope must be a path such as /beckon/.', 'beckon-web-push' ) );
		}
	}
	return $out;
}

/**
 * Normalises a backend URL: http(s), no query, no trailing slash; plain http only for loopback hosts, since the
 * API key travels with every request.
 *
 * @param string $raw Submitted URL.
 * @return string|null URL ('' to clear), or null when invalid.
 */
function beckon_sanitize_backend_url( string $raw ): ?string {
	$raw = trim( $raw );
	if ( '' === $raw ) {
		return '';
	}
	$parts = wp_parse_url( $raw );
	if ( ! is_array( $parts ) || empty( $parts['host'] ) || empty( $parts['scheme'] ) || isset( $parts['query'] ) || isset( $parts['user'] ) ) {
		return null;
	}
	$scheme   = strtolower( $parts['scheme'] );
	$loopback = in_array( strtolower( $parts['host'] ), array( 'localhost', '127.0.0.1', '[::1]' ), true );
	if ( 'https' !== $scheme && ! ( 'http' === $scheme && $loopback ) ) {
		return null;
	}
	$url = beckon_origin_of( $raw ) . ( isset( $parts['path'] ) ? untrailingslashit( $parts['path'] ) : '' );
	return esc_url_raw( $url, array( 'http', 'https' ) );
}
