<?php
/**
 * Tests for admin-actions.php: every action refuses a request without a valid nonce or the capability, and
 * the progress endpoint reports a notification's counts.
 *
 * @package Beckon
 */

/**
 * Raised instead of printing wp_die()'s page.
 */
class Beckon_Died extends Exception {
}

/**
 * Admin actions.
 */
class Beckon_Admin_Actions_Test extends Beckon_Test_Case {

	/**
	 * Turns wp_die() into an exception.
	 */
	protected function setUp(): void {
		parent::setUp();
		add_filter( 'wp_die_handler', array( $this, 'die_handler' ) );
		add_filter( 'wp_die_ajax_handler', array( $this, 'die_handler' ) );
	}

	/**
	 * Restores wp_die().
	 */
	protected function tearDown(): void {
		remove_filter( 'wp_die_handler', array( $this, 'die_handler' ) );
		remove_filter( 'wp_die_ajax_handler', array( $this, 'die_handler' ) );
		$_POST    = array();
		$_GET     = array();
		$_REQUEST = array();
		parent::tearDown();
	}

	/**
	 * The handler wp_die() uses.
	 *
	 * @return callable Handler.
	 */
	public function die_handler(): callable {
		return static function ( $message, $title = '', $args = array() ): void {
			$text = $message instanceof WP_Error ? $message->get_error_message() : (string) $message;
			throw new Beckon_Died( $text, (int) ( $args['response'] ?? 500 ) );
		};
	}

	/**
	 * Runs an action and returns the wp_die() it ended with.
	 *
	 * @param callable $action Handler.
	 * @return Beckon_Died The refusal.
	 */
	private function refused( callable $action ): Beckon_Died {
		try {
			$action();
		} catch ( Beckon_Died $died ) {
			return $died;
		}
		$this->fail( 'the action was not refused' );
	}

	/**
	 * The wp-admin actions (admin-post.php) with their nonce actions.
	 *
	 * @return array<string, array{0: string, 1: string}> Cases.
	 */
	public function actions(): array {
		return array(
			'send'            => array( 'beckon_handle_send', 'beckon_send' ),
			'test connection' => array( 'beckon_handle_test_connection', 'beckon_test_connection' ),
			'rotate identity' => array( 'beckon_handle_rotate_identity', 'beckon_rotate_identity' ),
		);
	}

	/**
	 * A subscriber-role user.
	 *
	 * @return int User id.
	 */
	private function reader(): int {
		return (int) wp_insert_user(
			array(
				'user_login' => 'reader' . wp_generate_password( 6, false ),
				'user_pass'  => wp_generate_password(),
				'role'       => 'subscriber',
			)
		);
	}

	/**
	 * Refuses a missing or forged nonce.
	 *
	 * @dataProvider actions
	 * @param string $handler Function.
	 */
	public function test_refuses_a_missing_or_forged_nonce( string $handler ): void {
		$this->assertSame( 403, $this->refused( $handler )->getCode() );
		$_REQUEST['_wpnonce'] = 'forged';
		$this->assertSame( 403, $this->refused( $handler )->getCode() );
		$this->assertSame( array(), self::$calls );
	}

	/**
	 * Refuses a user without the capability, even with a valid nonce.
	 *
	 * @dataProvider actions
	 * @param string $handler Function.
	 * @param string $nonce   Nonce action.
	 */
	public function test_refuses_a_subscriber_with_a_valid_nonce( string $handler, string $nonce ): void {
		wp_set_current_user( $this->reader() );
		$_REQUEST['_wpnonce'] = wp_create_nonce( $nonce );
		$_POST['title']       = 'Not allowed';
		$this->assertSame( 403, $this->refused( $handler )->getCode() );
		$this->assertSame( array(), self::$calls );
	}

	/**
	 * Calls the progress endpoint as admin-ajax.php would.
	 *
	 * @return array{died: int|null, json: mixed} How it ended and the JSON it printed.
	 */
	private function progress(): array {
		add_filter( 'wp_doing_ajax', '__return_true' );
		$died = null;
		ob_start();
		try {
			beckon_ajax_progress();
		} catch ( Beckon_Died $end ) {
			$died = $end->getCode();
		} finally {
			$output = (string) ob_get_clean();
			remove_filter( 'wp_doing_ajax', '__return_true' );
		}
		return array(
			'died' => $died,
			'json' => json_decode( $output, true ),
		);
	}

	public function test_progress_refuses_a_bad_nonce_and_a_reader(): void {
		$_GET['notification'] = 'ntf_abc';
		$_REQUEST['nonce']    = 'forged';
		$this->assertSame( 403, $this->progress()['died'] );
		wp_set_current_user( $this->reader() );
		$_REQUEST['nonce'] = wp_create_nonce( 'beckon_progress' );
		$this->assertFalse( $this->progress()['json']['success'] );
		$this->assertSame( array(), self::$calls );
	}

	public function test_progress_reports_counts_of_a_real_notification(): void {
		$sent = beckon_send_notification( array( 'title' => 'Progress' ), array( 'all' => true ) );
		$this->assertNotWPError( $sent );
		$_REQUEST['nonce']    = wp_create_nonce( 'beckon_progress' );
		$_GET['notification'] = $sent['notificationId'];
		$json                 = $this->progress()['json'];
		$this->assertTrue( $json['success'] );
		$this->assertContains( $json['data']['status'], array( 'queued', 'sending', 'done' ) );
		$this->assertArrayHasKey( 'targeted', $json['data']['counts'] );
		$this->assertIsInt( $json['data']['percent'] );
	}
}
