<?php
/**
 * Connecting to a backend: creating the site with an operator token, testing the connection, rotating the
 * identity secret, and keeping the widget's categories in step with the chosen WordPress categories.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Creates a Beckon site for this WordPress with an operator token and returns settings holding its
 * credentials. WordPress sanitises a new option twice (update_option, then add_option), but the second pass
 * gets this function's output, which holds no token: one site per submitted token.
 *
 * @param array<string, mixed> $settings Settings so far (their url is the backend).
 * @param string               $token    Operator token; used for this call only, never stored.
 * @return array<string, mixed> Settings.
 */
function beckon_connect_with_operator_token( array $settings, string $token ): array {
	$created = beckon_create_site( (string) $settings['url'], $token );
	if ( is_wp_error( $created ) ) {
		beckon_settings_error( 'beckon_create', $created->get_error_message() );
		return $settings;
	}
	beckon_settings_error(
		'beckon_create',
		/* translators: %s: site id */
		sprintf( __( 'Created the Beckon site %s for this WordPress and connected to it.', 'beckon-web-push' ), $created['site_id'] ),
		'success'
	);
	return array_merge( $settings, $created );
}

/**
 * Creates the site on the backend (`POST /v1/sites`).
 *
 * @param string $url   Backend URL.
 * @param string $token Operator token.
 * @return array{site_id: string, api_key: string, identity_secret: string}|WP_Error Credentials.
 */
function beckon_create_site( string $url, string $token ) {
	if ( '' === $url ) {
		return new WP_Error( 'beckon_no_url', __( 'Enter the backend URL before the operator token.', 'beckon-web-push' ) );
	}
	$name = wp_specialchars_decode( (string) get_bloginfo( 'name' ), ENT_QUOTES );
	$body = array(
		'name'     => mb_substr( '' !== $name ? $name : beckon_origin_of( home_url( '/' ) ), 0, 100 ),
		'origins'  => beckon_site_origins(),
		'platform' => 'wordpress',
		'homeUrl'  => home_url( '/' ),
	);
	$icon = beckon_site_icon_url();
	if ( '' !== $icon ) {
		$body['iconUrl'] = $icon;
	}
	$created = beckon_api_request(
		'POST',
		'/v1/sites',
		$body,
		array(
			'base'    => $url,
			'token'   => $token,
			'timeout' => 10,
		)
	);
	if ( is_wp_error( $created ) ) {
		return $created;
	}
	$data = $created['data'];
	if ( empty( $data['siteId'] ) || empty( $data['apiKey'] ) ) {
		return new WP_Error( 'beckon_bad_answer', __( 'The backend created the site but did not return its credentials.', 'beckon-web-push' ) );
	}
	return array(
		'site_id'         => (string) $data['siteId'],
		'api_key'         => (string) $data['apiKey'],
		'identity_secret' => isset( $data['identitySecret'] ) ? (string) $data['identitySecret'] : '',
	);
}

/**
 * Checks the stored credentials against the backend and says what it found.
 *
 * @return array{ok: bool, message: string, warnings: string[]} Result.
 */
function beckon_test_connection(): array {
	$response = beckon_api_request( 'GET', beckon_site_path(), null, array( 'timeout' => 5 ) );
	if ( is_wp_error( $response ) ) {
		return array(
			'ok'       => false,
			'message'  => $response->get_error_message(),
			'warnings' => array(),
		);
	}
	$site     = $response['data'];
	$warnings = array();
	$origins  = isset( $site['origins'] ) && is_array( $site['origins'] ) ? $site['origins'] : array();
	foreach ( beckon_site_origins() as $origin ) {
		if ( ! in_array( $origin, $origins, true ) ) {
			/* translators: %s: origin such as https://example.com */
			$warnings[] = sprintf( __( 'The backend does not list %s among the site origins, so browsers on it will be refused. Add it on the backend.', 'beckon-web-push' ), $origin );
		}
	}
	if ( '' === beckon_get_settings()['identity_secret'] ) {
		$warnings[] = __( 'No identity secret is stored, so logged-in users are not recognised. Create a new one below.', 'beckon-web-push' );
	}
	return array(
		'ok'       => true,
		/* translators: 1: site name, 2: site id, 3: backend URL */
		'message'  => sprintf( __( 'Connected: site "%1$s" (%2$s) at %3$s.', 'beckon-web-push' ), (string) ( $site['name'] ?? '' ), (string) ( $site['siteId'] ?? '' ), beckon_get_settings()['url'] ),
		'warnings' => $warnings,
	);
}

/**
 * Asks the backend for a new identity secret and stores it (tokens signed with the old one stop working).
 *
 * @return true|WP_Error Result.
 */
function beckon_rotate_identity_secret() {
	$response = beckon_api_request( 'POST', beckon_site_path( '/identity-secret' ) );
	if ( is_wp_error( $response ) ) {
		return $response;
	}
	if ( empty( $response['data']['identitySecret'] ) ) {
		return new WP_Error( 'beckon_bad_answer', __( 'The backend did not return an identity secret.', 'beckon-web-push' ) );
	}
	$settings                    = beckon_get_settings();
	$settings['identity_secret'] = (string) $response['data']['identitySecret'];
	update_option( BECKON_OPTION, $settings );
	return true;
}

/**
 * The widget categories for the chosen WordPress categories: `cat-<term id>` (stable across renames).
 *
 * @param int[] $term_ids Category term ids.
 * @return array<int, array{id: string, label: string}> Categories.
 */
function beckon_widget_categories( array $term_ids ): array {
	$out = array();
	foreach ( $term_ids as $term_id ) {
		$term = get_term( (int) $term_id, 'category' );
		if ( $term instanceof WP_Term ) {
			$out[] = array(
				'id'    => beckon_category_key( (int) $term->term_id ),
				'label' => beckon_plain_text( $term->name, 60 ),
			);
		}
	}
	return $out;
}

/**
 * Sends the chosen categories to the backend, so the widget offers them and posts can target them.
 *
 * @param array<string, mixed> $settings Settings.
 * @return true|WP_Error Result.
 */
function beckon_sync_categories( array $settings ) {
	$categories = beckon_widget_categories( (array) $settings['categories'] );
	$prompt     = array(
		'variant'    => array() === $categories ? 'simple' : 'categories',
		'categories' => $categories,
	);
	$response   = beckon_api_request( 'PATCH', beckon_site_path( '/settings' ), array( 'prompt' => $prompt ) );
	return is_wp_error( $response ) ? $response : true;
}

/**
 * After the settings change: sync categories when they or the connection changed. (Cached counts need no
 * dropping: their key names the backend URL and site id.)
 *
 * @param mixed $old_value Previous settings.
 * @param mixed $value     New settings.
 * @return void
 */
function beckon_settings_changed( $old_value, $value ): void {
	$old = wp_parse_args( is_array( $old_value ) ? $old_value : array(), beckon_default_settings() );
	$new = wp_parse_args( is_array( $value ) ? $value : array(), beckon_default_settings() );
	if ( ! beckon_is_connected() ) {
		return;
	}
	$moved = $old['url'] !== $new['url'] || $old['site_id'] !== $new['site_id'];
	if ( $moved ) {
		// The "New posts" automation, at once, so the console lists it; a failure is tried again on the next post.
		beckon_posts_automation();
	}
	if ( $moved || $old['categories'] !== $new['categories'] ) {
		$synced = beckon_sync_categories( $new );
		if ( is_wp_error( $synced ) ) {
			/* translators: %s: error message */
			beckon_settings_error( 'beckon_sync', sprintf( __( 'Saved, but the categories could not be sent to the backend: %s', 'beckon-web-push' ), $synced->get_error_message() ), 'warning' );
		}
	}
}

/**
 * A renamed or deleted category that readers can choose is synced again.
 *
 * @param int $term_id Term id.
 * @return void
 */
function beckon_category_changed( int $term_id ): void {
	$settings = beckon_get_settings();
	if ( beckon_is_connected() && in_array( $term_id, array_map( 'intval', (array) $settings['categories'] ), true ) ) {
		if ( ! term_exists( $term_id, 'category' ) ) {
			$settings['categories'] = array_values( array_diff( array_map( 'intval', $settings['categories'] ), array( $term_id ) ) );
			update_option( BECKON_OPTION, $settings );
			return;
		}
		beckon_sync_categories( $settings );
	}
}
