<?php
/**
 * Tests for front.php: the widget tag and its config, the service-worker stub, and the scope next to a PWA.
 *
 * @package Beckon
 */

/**
 * Front end.
 */
class Beckon_Front_Test extends Beckon_Test_Case {

	/**
	 * Prints the widget's script tag as WordPress would.
	 *
	 * @return string HTML.
	 */
	private function widget_html(): string {
		wp_deregister_script( BECKON_WIDGET_HANDLE );
		beckon_enqueue_widget();
		ob_start();
		wp_scripts()->do_items( array( BECKON_WIDGET_HANDLE ) );
		$html = (string) ob_get_clean();
		wp_dequeue_script( BECKON_WIDGET_HANDLE );
		wp_deregister_script( BECKON_WIDGET_HANDLE );
		wp_scripts()->done = array();
		return $html;
	}

	public function test_loads_the_widget_async_with_its_config_in_data_attributes(): void {
		wp_set_current_user( 0 );
		$html = $this->widget_html();
		$src  = self::$connected['url'] . '/beckon.js';
		// WordPress 6.1 writes `src` before `id`, 7.x `id` first: the filter adds its attributes right after `id`.
		$this->assertMatchesRegularExpression( '#<script[^>]* id=[\'"]beckon-widget-js[\'"] async data-site="' . self::$connected['site_id'] . '" #', $html );
		$this->assertMatchesRegularExpression( '#<script[^>]* src=[\'"]' . preg_quote( $src, '#' ) . '[\'"]#', $html );
		$this->assertStringContainsString( 'data-api="' . self::$connected['url'] . '"', $html, 'the widget reads the backend URL from its tag' );
		$this->assertStringContainsString( 'data-sw="' . home_url( '/beckon-sw.js' ) . '"', $html );
		$this->assertStringContainsString( 'data-scope="/beckon/"', $html );
		$this->assertStringNotContainsString( 'data-identity', $html );
		$this->assertStringNotContainsString( self::$connected['api_key'], $html );
		$this->assertStringNotContainsString( self::$connected['identity_secret'], $html );
		$this->assertStringNotContainsString( 'BeckonConfig', $html, 'one copy of the config: the tag\'s' );
		$this->assertSame( 1, substr_count( $html, '<script' ) );
	}

	public function test_gives_logged_in_users_an_identity_token(): void {
		wp_set_current_user( 1 );
		$html = $this->widget_html();
		$this->assertSame( 1, preg_match( '#data-identity="([^"]+)"#', $html, $m ) );
		$this->assertSame( 200, $this->identify( $m[1] )['status'], 'the worker accepts the token' );
		$this->assertSame( '1', $this->token_claims( $m[1] )['sub'] );
		$this->assertTrue( defined( 'DONOTCACHEPAGE' ) && DONOTCACHEPAGE, 'page caches must not keep a page that names its user' );
	}

	public function test_signs_one_identity_token_per_page_view(): void {
		wp_set_current_user( 1 );
		$signed = 0;
		$count  = static function ( $ttl ) use ( &$signed ) {
			++$signed;
			return $ttl;
		};
		add_filter( 'beckon_identity_ttl', $count );
		$this->widget_html();
		remove_filter( 'beckon_identity_ttl', $count );
		$this->assertSame( 1, $signed );
	}

	public function test_loads_nothing_when_not_connected(): void {
		update_option( 'beckon_settings', array( 'disconnect' => '1' ) );
		$this->assertSame( '', $this->widget_html() );
	}

	public function test_the_stub_imports_the_sites_service_worker(): void {
		$this->assertSame(
			'https://push.example.com/v1/sites/site_abc/sw.js',
			beckon_service_worker_script_url( 'https://push.example.com', 'site_abc' )
		);
	}

	public function test_recognises_the_stub_url_and_the_query_fallback(): void {
		$_SERVER['REQUEST_URI'] = '/beckon-sw.js';
		$this->assertTrue( beckon_is_service_worker_request() );
		$this->assertFalse( beckon_no_canonical_redirect( home_url( '/beckon-sw.js/' ) ) );
		$_SERVER['REQUEST_URI'] = '/beckon-sw.js/x';
		$this->assertFalse( beckon_is_service_worker_request() );
		$this->assertSame( 'http://x/', beckon_no_canonical_redirect( 'http://x/' ) );
		$_SERVER['REQUEST_URI'] = '/';
		$_GET['beckon_sw']      = '1';
		$this->assertTrue( beckon_is_service_worker_request() );
		unset( $_GET['beckon_sw'] );
	}

	public function test_uses_a_query_url_without_pretty_permalinks(): void {
		update_option( 'permalink_structure', '' );
		$this->assertSame( home_url( '/?beckon_sw=1' ), beckon_service_worker_url() );
	}

	public function test_registers_in_a_scope_of_its_own_unless_told_otherwise(): void {
		$this->assertSame( '/beckon/', beckon_scope(), 'next to a PWA or caching plugin\'s root service worker' );
		update_option( 'beckon_settings', array( 'scope' => 'root' ) );
		$this->assertSame( '/', beckon_scope() );
		update_option(
			'beckon_settings',
			array(
				'scope'        => 'custom',
				'custom_scope' => '/push/',
			)
		);
		$this->assertSame( '/push/', beckon_scope() );
	}

	public function test_warns_when_the_root_scope_is_chosen_next_to_a_pwa_plugin(): void {
		update_option( 'beckon_settings', array( 'scope' => 'root' ) );
		ob_start();
		beckon_field_scope();
		$this->assertStringNotContainsString( 'beckon-warning', (string) ob_get_clean() );
		add_filter( 'beckon_pwa_detected', '__return_true' );
		ob_start();
		beckon_field_scope();
		$html = (string) ob_get_clean();
		remove_filter( 'beckon_pwa_detected', '__return_true' );
		$this->assertStringContainsString( 'A PWA plugin registers its own service worker', $html );
	}
}
