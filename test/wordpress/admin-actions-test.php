<?php
/**
 * Tests for admin-actions.php: every action refuses a request without a valid nonce or the capability.
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
	}

	/**
	 * Restores wp_die().
	 */
	protected function tearDown(): void {
		remove_filter( 'wp_die_handler', array( $this, 'die_handler' ) );
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
		// Making the reader alerted the staff of a new user; the refused action itself calls nothing.
		self::$calls          = array();
		$_REQUEST['_wpnonce'] = wp_create_nonce( $nonce );
		$this->assertSame( 403, $this->refused( $handler )->getCode() );
		$this->assertSame( array(), self::$calls );
	}
}
