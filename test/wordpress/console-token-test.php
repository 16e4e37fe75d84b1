<?php
/**
 * Tests for console-token.php: who gets which console role, what the backend is asked for, and the refresh route
 * (POST /wp-json/beckon/v1/console-token), which wants a logged-in user with the send capability and a valid
 * `wp_rest` nonce, and answers with a ConsoleToken the real worker accepts, never the API key.
 *
 * @package Beckon
 */

/**
 * Console tokens.
 */
class Beckon_Console_Token_Test extends Beckon_Test_Case {

	/**
	 * Calls the refresh route through the REST server.
	 *
	 * @param string|null $nonce X-WP-Nonce header, or null for none.
	 * @return WP_REST_Response Response.
	 */
	private function refresh( ?string $nonce ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', '/beckon/v1/console-token' );
		if ( null !== $nonce ) {
			$request->set_header( 'X-WP-Nonce', $nonce );
		}
		return rest_do_request( $request );
	}

	/**
	 * The token requests made to the backend.
	 *
	 * @return array<int, array<string, mixed>> Calls.
	 */
	private function mints(): array {
		return $this->calls_to( 'POST', '/console-tokens' );
	}

	public function test_maps_administrators_to_admin_senders_to_editor_and_others_to_no_access(): void {
		$this->assertSame( 'admin', beckon_console_role( new WP_User( 1 ) ) );
		$this->assertSame( 'editor', beckon_console_role( new WP_User( $this->user( 'editor' ) ) ) );
		$author = new WP_User( $this->user( 'author' ) );
		$this->assertSame( '', beckon_console_role( $author ) );
		$this->assertSame( '', beckon_console_role( new WP_User( $this->user( 'subscriber' ) ) ) );
		$this->assertSame( '', beckon_console_role( new WP_User( 0 ) ) );

		$publish = static function (): string {
			return 'publish_posts';
		};
		add_filter( 'beckon_send_capability', $publish );
		try {
			$this->assertSame( 'editor', beckon_console_role( $author ), 'the send capability decides, not the role name' );
		} finally {
			remove_filter( 'beckon_send_capability', $publish );
		}
	}

	public function test_mints_a_token_for_the_user_with_the_api_key_server_side(): void {
		$editor = $this->user( 'editor' );
		$token  = beckon_console_token( new WP_User( $editor ) );
		$this->assertNotWPError( $token );
		$this->assertSame( array( 'token', 'expiresAt', 'siteId', 'staff', 'role' ), array_keys( $token ) );
		$this->assertSame( self::$connected['site_id'], $token['siteId'] );
		$this->assertSame( 'editor', $token['role'] );
		$this->assertSame( (string) $editor, $token['staff']['id'], 'the staff id is the user id identity tokens carry' );
		$this->assertSame( 'Editor Example', $token['staff']['name'] );
		$expires = strtotime( $token['expiresAt'] );
		$this->assertEqualsWithDelta( time() + 900, $expires, 30 );

		$mints = $this->mints();
		$this->assertCount( 1, $mints );
		$this->assertSame( 'Bearer ' . self::$connected['api_key'], $mints[0]['headers']['Authorization'] );
		$this->assertSame( 'editor', $mints[0]['body']['role'] );
		$this->assertSame( 900, $mints[0]['body']['ttlSeconds'] );
		$this->assertSame( 200, $this->with_console_token( $token['token'], '/stats' ), 'the worker accepts the token' );
	}

	public function test_refuses_a_user_without_access_before_asking_the_backend(): void {
		$refused = beckon_console_token( new WP_User( $this->user( 'author' ) ) );
		$this->assertTrue( is_wp_error( $refused ) );
		$this->assertSame( 'beckon_console_forbidden', $refused->get_error_code() );
		$this->assertSame( array(), $this->mints() );
	}

	public function test_route_refuses_a_logged_out_request_with_401(): void {
		wp_set_current_user( 0 );
		$response = $this->refresh( wp_create_nonce( 'wp_rest' ) );
		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( array(), $this->mints() );
	}

	public function test_route_refuses_a_missing_or_forged_nonce_with_403(): void {
		$this->assertSame( 403, $this->refresh( null )->get_status() );
		$forged = $this->refresh( 'forged' );
		$this->assertSame( 403, $forged->get_status() );
		$this->assertSame( 'rest_cookie_invalid_nonce', $forged->get_data()['code'] );
		wp_set_current_user( $this->user( 'editor' ) );
		$nonce = wp_create_nonce( 'wp_rest' );
		wp_set_current_user( 1 );
		$this->assertSame( 403, $this->refresh( $nonce )->get_status(), 'another user\'s nonce' );
		$this->assertSame( array(), $this->mints() );
	}

	public function test_route_refuses_a_user_without_the_capability_even_with_a_valid_nonce(): void {
		foreach ( array( 'subscriber', 'author' ) as $role ) {
			wp_set_current_user( $this->user( $role ) );
			$response = $this->refresh( wp_create_nonce( 'wp_rest' ) );
			$this->assertSame( 403, $response->get_status(), $role );
			$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
		}
		$this->assertSame( array(), $this->mints() );
	}

	public function test_route_returns_a_fresh_console_token_and_never_the_api_key(): void {
		$response = $this->refresh( wp_create_nonce( 'wp_rest' ) );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$token = $response->get_data();
		$this->assertSame( array( 'token', 'expiresAt', 'siteId', 'staff', 'role' ), array_keys( $token ) );
		$this->assertSame( 'admin', $token['role'] );
		$this->assertSame( '1', $token['staff']['id'] );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] );
		$json = (string) wp_json_encode( $token );
		$this->assertStringNotContainsString( self::$connected['api_key'], $json );
		$this->assertStringNotContainsString( self::$connected['identity_secret'], $json );
		$this->assertSame( 200, $this->with_console_token( $token['token'], '/stats' ) );

		$editor = $this->user( 'editor' );
		wp_set_current_user( $editor );
		$token = $this->refresh( wp_create_nonce( 'wp_rest' ) )->get_data();
		$this->assertSame( 'editor', $token['role'] );
		$this->assertSame( (string) $editor, $token['staff']['id'] );
	}

	public function test_route_reports_a_backend_failure_as_502_and_no_connection_as_503(): void {
		update_option( 'beckon_settings', array( 'url' => 'http://127.0.0.1:9' ) );
		$down = $this->refresh( wp_create_nonce( 'wp_rest' ) );
		$this->assertSame( 502, $down->get_status() );
		$this->assertSame( 'beckon_unreachable', $down->get_data()['code'] );
		$this->assertStringContainsString( 'Could not reach the Beckon backend at http://127.0.0.1:9', $down->get_data()['message'] );

		update_option( 'beckon_settings', array( 'disconnect' => '1' ) );
		$this->assertFalse( beckon_is_connected() );
		$this->assertSame( 503, $this->refresh( wp_create_nonce( 'wp_rest' ) )->get_status() );
	}
}
