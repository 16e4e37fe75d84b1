<?php
/**
 * Multisite: each site of a network connects on its own, sends to its own backend site with its own keys,
 * and uninstalling removes the plugin's data from every site.
 *
 * @package Beckon
 */

/**
 * Multisite behaviour (run with phpunit-multisite.xml).
 */
class Beckon_Multisite_Test extends Beckon_Test_Case {

	/**
	 * The network's second site.
	 *
	 * @return int Blog id.
	 */
	private static function second(): int {
		return (int) domain_exists( '127.0.0.1', '/second/' );
	}

	/**
	 * Connects the current site with the operator token.
	 */
	private static function connect_here(): void {
		update_option(
			'beckon_settings',
			array(
				'url'            => getenv( 'BECKON_URL' ),
				'operator_token' => getenv( 'BECKON_ADMIN_TOKEN' ),
			)
		);
	}

	/**
	 * Notification requests, by backend site.
	 *
	 * @return array<int, array<string, mixed>> Calls.
	 */
	private function all_sends(): array {
		return array_values(
			array_filter(
				self::$calls,
				static function ( array $call ): bool {
					return 'POST' === $call['method'] && '/events' === substr( $call['path'], -7 ) && 'post_published' === ( $call['body']['events'][0]['name'] ?? '' );
				}
			)
		);
	}

	public function test_runs_network_activated_on_a_network(): void {
		$this->assertTrue( is_multisite() );
		$this->assertTrue( is_plugin_active_for_network( 'beckon-web-push/load.php' ) );
		$this->assertGreaterThan( 1, self::second() );
	}

	public function test_each_site_connects_on_its_own(): void {
		$this->assertTrue( beckon_is_connected() );
		switch_to_blog( self::second() );
		try {
			$this->assertFalse( beckon_is_connected(), 'a new site of the network starts unconnected' );
			self::connect_here();
			$this->assertTrue( beckon_is_connected() );
			$second = beckon_get_settings();
			$this->assertNotSame( self::$connected['site_id'], $second['site_id'] );
			$this->assertNotSame( self::$connected['api_key'], $second['api_key'] );
			$create = array_values(
				array_filter(
					self::$calls,
					static function ( array $call ): bool {
						return '/v1/sites' === $call['path'];
					}
				)
			);
			$this->assertSame( 'http://127.0.0.1/second/', $create[0]['body']['homeUrl'] );
		} finally {
			restore_current_blog();
		}
		$this->assertSame( self::$connected['site_id'], beckon_get_settings()['site_id'] );
	}

	public function test_each_site_sends_to_its_own_backend_site_with_its_own_key(): void {
		$one = $this->post( array( 'post_status' => 'publish' ) );
		switch_to_blog( self::second() );
		try {
			self::connect_here();
			$second = beckon_get_settings();
			$two    = $this->post( array( 'post_status' => 'publish' ) );
		} finally {
			restore_current_blog();
		}
		$sends = $this->all_sends();
		$this->assertCount( 2, $sends );
		$this->assertSame( '/v1/sites/' . self::$connected['site_id'] . '/events', $sends[0]['path'] );
		$this->assertSame( sprintf( 'wp-1-post-%d-publish', $one ), $sends[0]['body']['events'][0]['id'] );
		$this->assertSame( '/v1/sites/' . $second['site_id'] . '/events', $sends[1]['path'] );
		$this->assertSame( sprintf( 'wp-%d-post-%d-publish', self::second(), $two ), $sends[1]['body']['events'][0]['id'] );
		$this->assertStringStartsWith( 'http://127.0.0.1/second/', $sends[1]['body']['events'][0]['properties']['url'] );
		$this->assertSame( 'Bearer ' . $second['api_key'], $sends[1]['headers']['Authorization'] );
		$this->assertNotSame( '', get_post_meta( $one, '_beckon_notification_id', true ) );
	}

	public function test_uninstall_removes_the_data_of_every_site(): void {
		global $wpdb;
		$one = $this->post( array( 'post_status' => 'publish' ) );
		switch_to_blog( self::second() );
		update_option( 'beckon_settings', array( 'url' => 'https://push.example.com' ) );
		$two = $this->post();
		update_post_meta( $two, 'beckon_skip', true );
		$second_prefix = $wpdb->prefix;
		restore_current_blog();
		$this->assertNotSame( '', get_post_meta( $one, '_beckon_notification_id', true ) );

		uninstall_plugin( 'beckon-web-push/load.php' );

		foreach ( array( $wpdb->base_prefix, $second_prefix ) as $prefix ) {
			$this->assertSame( '0', $wpdb->get_var( "SELECT COUNT(*) FROM {$prefix}options WHERE option_name LIKE '%beckon%'" ), $prefix );
			$this->assertSame( '0', $wpdb->get_var( "SELECT COUNT(*) FROM {$prefix}postmeta WHERE meta_key LIKE '%beckon%'" ), $prefix );
		}
	}
}
