<?php
/**
 * Tests for settings.php and connect.php: sanitising to a shape, secrets kept, the operator-token connect,
 * settings surviving upgrades, and categories reaching the backend.
 *
 * @package Beckon
 */

/**
 * Settings sanitising and connecting.
 */
class Beckon_Settings_Test extends Beckon_Test_Case {

	/**
	 * Error codes added to the Settings API so far.
	 *
	 * @return string[] Codes.
	 */
	private function error_codes(): array {
		return array_column( get_settings_errors( 'beckon_settings' ), 'code' );
	}

	public function test_reads_defaults_when_nothing_is_stored(): void {
		delete_option( 'beckon_settings' );
		$settings = beckon_get_settings();
		$this->assertSame( array( 'post' ), $settings['post_types'] );
		$this->assertSame( 'beckon', $settings['scope'] );
		$this->assertTrue( $settings['notify_replies'] );
		$this->assertFalse( beckon_is_connected() );
	}

	public function test_keeps_stored_secrets_when_the_form_sends_them_empty(): void {
		$out = beckon_sanitize_settings(
			array(
				'form'            => '1',
				'url'             => self::$connected['url'],
				'site_id'         => self::$connected['site_id'],
				'api_key'         => '',
				'identity_secret' => '',
				'post_types'      => array( 'post' ),
			)
		);
		$this->assertSame( self::$connected['api_key'], $out['api_key'] );
		$this->assertSame( self::$connected['identity_secret'], $out['identity_secret'] );
		$this->assertSame( array(), $this->error_codes() );
	}

	public function test_accepts_https_and_loopback_http_backend_urls_only(): void {
		$this->assertSame( 'https://push.example.com', beckon_sanitize_backend_url( ' https://push.example.com/ ' ) );
		$this->assertSame( 'https://push.example.com/beckon', beckon_sanitize_backend_url( 'https://push.example.com/beckon/' ) );
		$this->assertSame( 'http://127.0.0.1:8787', beckon_sanitize_backend_url( 'http://127.0.0.1:8787' ) );
		$this->assertSame( 'http://localhost:8787', beckon_sanitize_backend_url( 'http://LOCALHOST:8787/' ) );
		$this->assertNull( beckon_sanitize_backend_url( 'http://push.example.com' ) );
		$this->assertNull( beckon_sanitize_backend_url( 'https://push.example.com/?x=1' ) );
		$this->assertNull( beckon_sanitize_backend_url( 'javascript:alert(1)' ) );
		$this->assertNull( beckon_sanitize_backend_url( 'https://user:pw@push.example.com' ) );
		$this->assertSame( '', beckon_sanitize_backend_url( '' ) );
	}

	public function test_refuses_malformed_values_and_keeps_the_stored_ones(): void {
		$out = beckon_sanitize_settings(
			array(
				'url'     => 'http://push.example.com',
				'site_id' => 'site_<script>',
				'api_key' => 'not a key',
			)
		);
		$this->assertSame( self::$connected['url'], $out['url'] );
		$this->assertSame( self::$connected['site_id'], $out['site_id'] );
		$this->assertSame( self::$connected['api_key'], $out['api_key'] );
		$this->assertEqualsCanonicalizing( array( 'beckon_url', 'beckon_site_id', 'beckon_api_key' ), $this->error_codes() );
	}

	public function test_limits_post_types_and_categories_to_real_ones(): void {
		$news = self::factory_category( 'News' );
		$out  = beckon_sanitize_settings(
			array(
				'post_types' => array( 'post', 'page', 'attachment', 'nope' ),
				'categories' => array( (string) $news, '999999', 'x' ),
			)
		);
		$this->assertSame( array( 'post', 'page' ), $out['post_types'] );
		$this->assertSame( array( $news ), $out['categories'] );
	}

	public function test_unticking_every_box_on_the_form_clears_the_lists(): void {
		$out = beckon_sanitize_settings( array( 'form' => '1' ) );
		$this->assertSame( array(), $out['post_types'] );
		$this->assertSame( array(), $out['categories'] );
		$this->assertFalse( $out['notify_replies'] );
		$out = beckon_sanitize_settings( array( 'scope' => 'root' ) );
		$this->assertSame( array( 'post' ), $out['post_types'], 'without the form marker, missing lists are kept' );
	}

	public function test_accepts_only_path_scopes(): void {
		$this->assertSame( '/push/', beckon_sanitize_settings( array( 'custom_scope' => 'push' ) )['custom_scope'] );
		$this->assertSame( '/a/b/', beckon_sanitize_settings( array( 'custom_scope' => '/a/b/' ) )['custom_scope'] );
		$this->assertSame( '/beckon/', beckon_sanitize_settings( array( 'custom_scope' => '/../etc/' ) )['custom_scope'] );
		$this->assertSame( '/beckon/', beckon_sanitize_settings( array( 'custom_scope' => '/a b/' ) )['custom_scope'] );
		$this->assertSame( 'beckon', beckon_sanitize_settings( array( 'scope' => 'everywhere' ) )['scope'] );
		$this->assertContains( 'beckon_scope', $this->error_codes() );
	}

	public function test_disconnect_forgets_the_credentials(): void {
		update_option( 'beckon_settings', array( 'disconnect' => '1' ) );
		$this->assertFalse( beckon_is_connected() );
		$settings = get_option( 'beckon_settings' );
		$this->assertSame( '', $settings['api_key'] );
		$this->assertSame( '', $settings['identity_secret'] );
		$this->assertSame( self::$connected['url'], $settings['url'] );
	}

	public function test_settings_of_an_older_version_survive_an_upgrade_and_reactivation(): void {
		// An older version stored fewer keys; nothing may be lost or reset when the new code reads them.
		update_option(
			'beckon_settings',
			array(
				'url'        => self::$connected['url'],
				'site_id'    => self::$connected['site_id'],
				'api_key'    => self::$connected['api_key'],
				'post_types' => array( 'page' ),
			)
		);
		$settings = beckon_get_settings();
		$this->assertSame( array( 'page' ), $settings['post_types'] );
		$this->assertSame( 'beckon', $settings['scope'] );
		$this->assertTrue( beckon_is_connected() );
		deactivate_plugins( 'beckon-web-push/load.php', true );
		activate_plugin( 'beckon-web-push/load.php', '', false, true );
		$this->assertSame( array( 'page' ), beckon_get_settings()['post_types'] );
		$this->assertSame( self::$connected['api_key'], beckon_get_settings()['api_key'] );
	}

	public function test_operator_token_creates_the_site_once_and_is_never_stored(): void {
		delete_option( 'beckon_settings' );
		wp_cache_flush();
		$token = getenv( 'BECKON_ADMIN_TOKEN' );
		// A new option is sanitised twice by WordPress (update_option, then add_option): one site only.
		update_option(
			'beckon_settings',
			array(
				'url'            => self::$connected['url'] . '/',
				'operator_token' => $token,
			)
		);
		$creates = array_filter(
			self::$calls,
			static function ( array $call ): bool {
				return 'POST' === $call['method'] && '/v1/sites' === $call['path'];
			}
		);
		$this->assertCount( 1, $creates );
		$create = array_values( $creates )[0];
		$this->assertSame( 'wordpress', $create['body']['platform'] );
		$this->assertSame( array( home_url() ), $create['body']['origins'] );
		$settings = get_option( 'beckon_settings' );
		$this->assertMatchesRegularExpression( '/^site_/', $settings['site_id'] );
		$this->assertNotSame( self::$connected['site_id'], $settings['site_id'] );
		$this->assertMatchesRegularExpression( '/^bk_/', $settings['api_key'] );
		$this->assertMatchesRegularExpression( '/^bis_/', $settings['identity_secret'] );
		$this->assertArrayNotHasKey( 'operator_token', $settings );
		$this->assertStringNotContainsString( $token, (string) wp_json_encode( $settings ) );
		$this->assertTrue( beckon_test_connection()['ok'] );
	}

	public function test_a_wrong_operator_token_leaves_the_settings_alone(): void {
		update_option(
			'beckon_settings',
			array(
				'url'            => self::$connected['url'],
				'operator_token' => 'wrong-token',
			)
		);
		$this->assertSame( self::$connected['site_id'], beckon_get_settings()['site_id'] );
		$errors = get_settings_errors( 'beckon_settings' );
		$this->assertSame( 'beckon_create', $errors[0]['code'] );
		$this->assertStringContainsString( 'refused the credentials', $errors[0]['message'] );
	}

	public function test_connection_test_names_the_site_or_the_problem(): void {
		$ok = beckon_test_connection();
		$this->assertTrue( $ok['ok'] );
		$this->assertStringContainsString( self::$connected['site_id'], $ok['message'] );
		$this->assertSame( array(), $ok['warnings'] );

		update_option( 'beckon_settings', array( 'api_key' => 'bk_wrongwrongwrongwrong' ) );
		$bad = beckon_test_connection();
		$this->assertFalse( $bad['ok'] );
		$this->assertStringContainsString( 'refused the credentials', $bad['message'] );

		update_option( 'beckon_settings', array( 'url' => 'http://127.0.0.1:9' ) );
		$down = beckon_test_connection();
		$this->assertFalse( $down['ok'] );
		$this->assertStringContainsString( 'Could not reach the Beckon backend at http://127.0.0.1:9', $down['message'] );
	}

	public function test_a_backend_that_never_answers_times_out(): void {
		// A listening socket nobody accepts from: connections open, and no answer ever comes.
		$server = stream_socket_server( 'tcp://127.0.0.1:0' );
		$this->assertNotFalse( $server );
		$address = stream_socket_get_name( $server, false );
		$short = static function (): float {
			return 1.0;
		};
		add_filter( 'beckon_http_timeout', $short );
		update_option( 'beckon_settings', array( 'url' => 'http://' . $address ) );
		$started = microtime( true );
		$result  = beckon_test_connection();
		remove_filter( 'beckon_http_timeout', $short );
		fclose( $server );
		$this->assertLessThan( 2.5, microtime( true ) - $started );
		$this->assertFalse( $result['ok'] );
		$this->assertStringContainsString( 'Could not reach the Beckon backend', $result['message'] );
	}

	public function test_chosen_categories_reach_the_widget_config(): void {
		$news  = self::factory_category( 'News & Views' );
		$sport = self::factory_category( 'Sport' );
		update_option( 'beckon_settings', array( 'categories' => array( $news, $sport ) ) );
		$this->assertCount( 1, $this->calls_to( 'PATCH', '/settings' ) );
		$config = $this->worker( 'GET', '/config', null, false );
		$this->assertSame( 'categories', $config['data']['prompt']['variant'] );
		$this->assertSame( array( 'cat-' . $news, 'cat-' . $sport ), array_column( $config['data']['prompt']['categories'], 'id' ) );
		$this->assertStringStartsWith( 'News & Views ', $config['data']['prompt']['categories'][0]['label'] );

		update_option( 'beckon_settings', array( 'categories' => array() ) );
		$config = $this->worker( 'GET', '/config', null, false );
		$this->assertSame( 'simple', $config['data']['prompt']['variant'] );
	}

	/**
	 * Creates a category.
	 *
	 * @param string $name Name.
	 * @return int Term id.
	 */
	public static function factory_category( string $name ): int {
		$term = wp_insert_term( $name . ' ' . wp_generate_password( 4, false ), 'category' );
		return (int) $term['term_id'];
	}
}
