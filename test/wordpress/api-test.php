<?php
/**
 * Tests for api.php: the counts cache, which also spares the dashboard a timeout per page view while the
 * backend is down.
 *
 * @package Beckon
 */

/**
 * Backend calls.
 */
class Beckon_Api_Test extends Beckon_Test_Case {

	public function test_caches_the_counts_for_a_minute_unless_fresh_ones_are_asked_for(): void {
		$this->assertIsArray( beckon_fetch_stats() );
		$this->assertIsArray( beckon_fetch_stats() );
		$this->assertCount( 1, $this->calls_to( 'GET', '/stats' ) );
		$this->assertIsArray( beckon_fetch_stats( true ) );
		$this->assertCount( 2, $this->calls_to( 'GET', '/stats' ) );
	}

	public function test_caches_a_failure_for_a_minute_but_never_a_fresh_one(): void {
		update_option( 'beckon_settings', array( 'url' => 'http://127.0.0.1:9' ) );
		self::$calls = array();
		$down        = beckon_fetch_stats( true );
		$this->assertTrue( is_wp_error( $down ) );
		$this->assertSame( 'beckon_unreachable', $down->get_error_code() );
		$this->assertTrue( is_wp_error( beckon_fetch_stats() ) );
		$this->assertCount( 2, $this->calls_to( 'GET', '/stats' ), 'the Beckon page\'s fresh failure is not cached' );
		$cached = beckon_fetch_stats();
		$this->assertTrue( is_wp_error( $cached ) );
		$this->assertSame( $down->get_error_message(), $cached->get_error_message() );
		$this->assertCount( 2, $this->calls_to( 'GET', '/stats' ), 'a down backend is asked once a minute, not on every dashboard view' );
		$this->assertTrue( is_wp_error( beckon_fetch_stats( true ) ) );
		$this->assertCount( 3, $this->calls_to( 'GET', '/stats' ), 'the Beckon page always asks again' );

		update_option( 'beckon_settings', array( 'url' => self::$connected['url'] ) );
		$this->assertIsArray( beckon_fetch_stats(), 'the failure of another backend URL is not reused' );
	}
}
