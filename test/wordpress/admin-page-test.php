<?php
/**
 * Tests for admin-page.php: the Beckon page mounts the console with a token minted for the user (never the API
 * key), loads it from the backend as a module with its translations, prints notices above it, and turns a
 * missing connection or an unreachable backend into a notice that says what to do.
 *
 * @package Beckon
 */

/**
 * The console page.
 */
class Beckon_Admin_Page_Test extends Beckon_Test_Case {

	/**
	 * A temp languages folder, removed after the test.
	 *
	 * @var string
	 */
	private $languages = '';

	/**
	 * Forgets the console's enqueued files, the German locale and the temp languages folder between tests.
	 */
	protected function tearDown(): void {
		remove_all_filters( 'determine_locale' );
		remove_all_filters( 'load_script_translation_file' );
		if ( '' !== $this->languages ) {
			array_map( 'unlink', (array) glob( $this->languages . '/*' ) );
			rmdir( $this->languages );
			$this->languages = '';
		}
		wp_dequeue_script( BECKON_CONSOLE_HANDLE );
		wp_deregister_script( BECKON_CONSOLE_HANDLE );
		wp_dequeue_style( BECKON_CONSOLE_HANDLE );
		wp_deregister_style( BECKON_CONSOLE_HANDLE );
		wp_scripts()->done = array();
		wp_styles()->done  = array();
		parent::tearDown();
	}

	/**
	 * Renders the page.
	 *
	 * @return string HTML.
	 */
	private function page(): string {
		ob_start();
		beckon_render_console_page();
		return (string) ob_get_clean();
	}

	/**
	 * Prints the console's style and script tags as the admin footer would.
	 *
	 * @return string HTML.
	 */
	private function assets(): string {
		ob_start();
		wp_styles()->do_items( array( BECKON_CONSOLE_HANDLE ) );
		wp_scripts()->do_items( array( BECKON_CONSOLE_HANDLE ) );
		return (string) ob_get_clean();
	}

	public function test_prints_the_mount_point_and_a_token_but_never_the_api_key(): void {
		$html = $this->page();
		$api  = self::$connected['url'];
		$this->assertStringStartsWith( '<div class="wrap beckon"><h1>Beckon</h1>', $html );
		$this->assertStringContainsString( '<div id="beckon-console" data-host="wordpress" data-api="' . $api . '"></div>', $html );

		$assets = $this->assets();
		$this->assertMatchesRegularExpression( '#<link [^>]*href=[\'"]' . preg_quote( $api . '/console/console.css', '#' ) . '[\'"]#', $assets );
		$this->assertSame( 1, preg_match( '#<script([^>]*) id=[\'"]beckon-console-js[\'"][^>]*>#', $assets, $tag ) );
		$this->assertStringContainsString( $api . '/console/console.js', $tag[0] );
		$this->assertStringStartsWith( '<script type="module" ', $tag[0] );
		$this->assertSame( 1, substr_count( $tag[0], 'type=' ), 'no second type attribute' );
		$this->assertLessThan( strpos( $assets, $tag[0] ), strpos( $assets, 'wp-i18n-js' ), 'wp-i18n loads first' );

		$this->assertSame( 1, preg_match( '#<script[^>]*id=[\'"]beckon-console-js-before[\'"][^>]*>\s*window\.beckonConsoleWp = (\{.*?\});\n#s', $assets, $boot ), $assets );
		$this->assertStringNotContainsString( 'module', substr( $boot[0], 0, strpos( $boot[0], '>' ) ), 'the boot script runs at once, before the module' );
		$wp = json_decode( $boot[1], true );
		$this->assertSame( rest_url( 'beckon/v1/console-token' ), $wp['refreshUrl'] );
		$this->assertSame( 1, wp_verify_nonce( $wp['nonce'], 'wp_rest' ) );
		$this->assertSame( array( 'token', 'expiresAt', 'siteId', 'staff', 'role' ), array_keys( $wp['token'] ) );
		$this->assertSame( self::$connected['site_id'], $wp['token']['siteId'] );
		$this->assertSame( '1', $wp['token']['staff']['id'] );
		$this->assertSame( 'admin', $wp['token']['role'] );
		$this->assertSame( 200, $this->with_console_token( $wp['token']['token'], '/stats' ) );

		foreach ( array( self::$connected['api_key'], self::$connected['identity_secret'] ) as $secret ) {
			$this->assertStringNotContainsString( $secret, $html . $assets );
		}
	}

	public function test_mounts_the_console_for_editors_with_the_editor_role(): void {
		wp_set_current_user( $this->user( 'editor' ) );
		$this->assertStringContainsString( 'id="beckon-console"', $this->page() );
		$this->assertSame( 'editor', $this->calls_to( 'POST', '/console-tokens' )[0]['body']['role'] );
	}

	public function test_prints_notices_above_the_console(): void {
		beckon_add_notice( 'success', 'Settings saved a moment ago.' );
		$html   = $this->page();
		$notice = strpos( $html, 'Settings saved a moment ago.' );
		$this->assertNotFalse( $notice );
		$this->assertGreaterThan( strpos( $html, '</h1>' ), $notice );
		$this->assertLessThan( strpos( $html, 'id="beckon-console"' ), $notice );
	}

	public function test_an_unreachable_backend_gives_a_notice_instead_of_the_console(): void {
		update_option( 'beckon_settings', array( 'url' => 'http://127.0.0.1:9' ) );
		$html = $this->page();
		$this->assertStringNotContainsString( 'id="beckon-console"', $html );
		$this->assertFalse( wp_script_is( BECKON_CONSOLE_HANDLE, 'enqueued' ), 'nothing is loaded from a backend that is down' );
		$this->assertFalse( wp_style_is( BECKON_CONSOLE_HANDLE, 'enqueued' ) );
		$this->assertStringContainsString( 'notice-error', $html );
		$this->assertStringContainsString( 'The Beckon console could not be opened: Could not reach the Beckon backend at http://127.0.0.1:9', $html );
		$this->assertStringContainsString( 'href="' . esc_url( admin_url( 'admin.php?page=beckon-settings' ) ) . '"', $html );
		$this->assertStringEndsWith( '</div></div>', $html, 'the page is closed properly' );
	}

	public function test_a_site_that_is_not_connected_says_how_to_connect(): void {
		update_option( 'beckon_settings', array( 'disconnect' => '1' ) );
		self::$calls = array();
		$html        = $this->page();
		$this->assertStringNotContainsString( 'id="beckon-console"', $html );
		$this->assertStringContainsString( 'notice-warning', $html );
		$this->assertStringContainsString( 'Beckon is not connected to a backend yet.', $html );
		$this->assertStringContainsString( 'Connect it under Beckon → Settings</a>', $html );
		$this->assertSame( array(), self::$calls );

		wp_set_current_user( $this->user( 'editor' ) );
		$html = $this->page();
		$this->assertStringContainsString( 'Ask an administrator to connect it', $html );
		$this->assertStringNotContainsString( 'page=beckon-settings', $html, 'editors cannot open the settings' );
	}

	public function test_adds_type_module_to_the_console_tag_only(): void {
		$before = "<script id='beckon-console-js-before'>\nwindow.beckonConsoleWp = {};\n</script>\n";
		$tag    = "<script type='text/javascript' src='https://push.example.com/console/console.js' id='beckon-console-js'></script>\n";
		$this->assertSame(
			$before . "<script type=\"module\" src='https://push.example.com/console/console.js' id='beckon-console-js'></script>\n",
			beckon_console_script_tag( $before . $tag, BECKON_CONSOLE_HANDLE )
		);
		$other = "<script src='https://example.com/x.js' id='other-js'></script>\n";
		$this->assertSame( $other, beckon_console_script_tag( $other, 'other' ) );
	}

	/**
	 * Switches to German and writes a German JSON translation of two console texts, named as WordPress looks
	 * for the console's: after the md5 of its stable path, in a temp languages folder.
	 *
	 * @return string The JSON file.
	 */
	private function german_console(): string {
		add_filter(
			'determine_locale',
			static function (): string {
				return 'de_DE';
			}
		);
		$this->languages = get_temp_dir() . 'beckon-languages-' . wp_generate_password( 8, false );
		wp_mkdir_p( $this->languages );
		$file = $this->languages . '/beckon-web-push-de_DE-' . md5( 'console/console.js' ) . '.json';
		$json = array(
			'domain'      => 'messages',
			'locale_data' => array(
				'messages' => array(
					''             => array(
						'domain'       => 'messages',
						'lang'         => 'de_DE',
						'plural-forms' => 'nplurals=2; plural=(n != 1);',
					),
					'Overview'     => array( 'Übersicht' ),
					'Send a test'  => array( 'Test senden' ),
				),
			),
		);
		file_put_contents( $file, wp_json_encode( $json, JSON_UNESCAPED_UNICODE ) );
		return $file;
	}

	public function test_loads_the_console_translations_named_after_its_stable_path(): void {
		$this->assertSame( 'e7b369081d79a28707beebb73668d32e', md5( BECKON_CONSOLE_SCRIPT_PATH ), 'the name readme.txt gives translators' );
		$this->german_console();
		$this->page();
		$this->assertSame( self::$connected['url'] . '/console/console.js', wp_scripts()->registered[ BECKON_CONSOLE_HANDLE ]->src );

		$json = load_script_textdomain( BECKON_CONSOLE_HANDLE, 'beckon-web-push', $this->languages );
		$this->assertIsString( $json, 'WordPress finds the file named after md5( console/console.js )' );
		$messages = json_decode( $json, true )['locale_data']['messages'];
		$this->assertSame( array( 'Übersicht' ), $messages['Overview'] );
		$this->assertSame( array( 'Test senden' ), $messages['Send a test'] );

		$this->assertSame( 'console/console.js', apply_filters( 'load_script_textdomain_relative_path', false, self::$connected['url'] . '/console/console.js' ) );
	}

	public function test_leaves_the_translation_path_of_other_scripts_alone(): void {
		$editor = plugins_url( 'assets/editor.js', BECKON_PLUGIN_FILE );
		$this->assertSame( 'assets/editor.js', apply_filters( 'load_script_textdomain_relative_path', 'assets/editor.js', $editor ) );
		$this->assertFalse( apply_filters( 'load_script_textdomain_relative_path', false, 'https://cdn.example.com/console/console.js' ), 'another host\'s console.js' );
		$this->assertFalse( apply_filters( 'load_script_textdomain_relative_path', false, self::$connected['url'] . '/console/console.css' ) );
		$this->assertSame( 'wp-includes/js/dist/i18n.js', apply_filters( 'load_script_textdomain_relative_path', 'wp-includes/js/dist/i18n.js', site_url( 'wp-includes/js/dist/i18n.js' ) ) );

		update_option( 'beckon_settings', array( 'disconnect' => '1' ) );
		$this->assertFalse( apply_filters( 'load_script_textdomain_relative_path', false, '/console/console.js' ), 'not connected: nothing is the console' );
	}

	public function test_prints_the_console_translations_before_the_module_after_wp_i18n(): void {
		$german = $this->german_console();
		$looked = array();
		add_filter(
			'load_script_translation_file',
			static function ( $file, string $handle ) use ( $german, &$looked ) {
				if ( BECKON_CONSOLE_HANDLE !== $handle ) {
					return $file;
				}
				$looked[] = $file;
				// Where WordPress looks first, the plugin's languages folder, holds this test's file.
				return basename( (string) $file ) === basename( $german ) ? $german : $file;
			},
			10,
			2
		);
		$this->page();
		$assets = $this->assets();
		$this->assertContains( plugin_dir_path( BECKON_PLUGIN_FILE ) . 'languages/' . basename( $german ), $looked, 'looked in the plugin\'s languages folder: ' . implode( ', ', $looked ) );
		$this->assertSame( 1, preg_match( '#<script[^>]*id=[\'"]beckon-console-js-translations[\'"][^>]*>(.*?)</script>#s', $assets, $translations ), $assets );
		$this->assertStringContainsString( 'wp.i18n.setLocaleData', $translations[1] );
		$this->assertStringContainsString( '"beckon-web-push"', $translations[1] );
		$this->assertStringContainsString( 'Übersicht', $translations[1] );
		$this->assertStringNotContainsString( 'module', substr( $translations[0], 0, strpos( $translations[0], '>' ) ), 'a classic script: it runs at once' );
		$this->assertSame( 1, preg_match( '#<script[^>]*id=[\'"]beckon-console-js[\'"][^>]*>#', $assets, $tag ) );
		$this->assertStringStartsWith( '<script type="module" ', $tag[0] );
		$this->assertLessThan( strpos( $assets, $translations[0] ), strpos( $assets, 'wp-i18n-js' ), 'wp-i18n first' );
		$this->assertLessThan( strpos( $assets, $tag[0] ), strpos( $assets, $translations[0] ), 'translations before the module' );
	}
}
