<?php
/**
 * Tests for identity.php: the token format, a known answer shared with the worker's TypeScript, and the
 * real worker accepting our tokens and refusing forged or expired ones.
 *
 * @package Beckon
 */

/**
 * Identity tokens.
 */
class Beckon_Identity_Test extends Beckon_Test_Case {

	/**
	 * Stores an identity secret.
	 *
	 * @param string $secret Secret.
	 */
	private function use_secret( string $secret ): void {
		update_option( 'beckon_settings', array( 'identity_secret' => $secret ) );
	}

	public function test_matches_the_known_answer_computed_with_node_crypto(): void {
		$this->use_secret( 'bis_known-answer-secret-0123456789' );
		$this->assertSame(
			'eyJzdWIiOiI0MiIsImV4cCI6MTcwMDA4NjQwMH0.zPTGToBarXi3EqzWVyjio6M27fAsGFLoSAf4lQaN9Sg',
			beckon_identity_token( 42, 1700000000 )
		);
	}

	public function test_is_base64url_without_padding_with_a_string_subject_and_a_day_of_life(): void {
		$token = beckon_identity_token( 7, 1000 );
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/', $token );
		$claims = $this->token_claims( $token );
		$this->assertSame(
			array(
				'sub' => '7',
				'exp' => 1000 + DAY_IN_SECONDS,
			),
			$claims
		);
	}

	public function test_carries_the_first_and_last_name_which_the_worker_merges_into_the_user(): void {
		$id = $this->user( 'subscriber' );
		update_user_meta( $id, 'first_name', 'Ada' );
		$this->assertSame( array( 'first_name' => 'Ada' ), $this->token_claims( beckon_identity_token( $id ) )['attrs'] );
		update_user_meta( $id, 'last_name', 'Lovelace' );
		$token = beckon_identity_token( $id );
		$this->assertSame(
			array(
				'first_name' => 'Ada',
				'last_name'  => 'Lovelace',
			),
			$this->token_claims( $token )['attrs']
		);
		$this->assertSame( 200, $this->identify( $token )['status'], 'the worker accepts it' );
		$user = $this->worker( 'GET', '/users/' . $id );
		$this->assertSame( 200, $user['status'] );
		$this->assertSame( 'Ada', $user['data']['attributes']['first_name'] );
		$this->assertSame( 'Lovelace', $user['data']['attributes']['last_name'] );
	}

	public function test_is_empty_for_visitors_and_without_a_secret(): void {
		$this->assertSame( '', beckon_identity_token( 0 ) );
		update_option( 'beckon_settings', array( 'disconnect' => '1' ) );
		$this->assertSame( '', beckon_identity_token( 1 ) );
	}

	public function test_never_lives_longer_than_the_backend_accepts(): void {
		$long = static function (): int {
			return YEAR_IN_SECONDS;
		};
		add_filter( 'beckon_identity_ttl', $long );
		$now   = time();
		$token = beckon_identity_token( 3, $now );
		remove_filter( 'beckon_identity_ttl', $long );
		$this->assertSame( 200, $this->identify( $token )['status'], 'the worker accepts it' );
		$this->assertLessThan( $now + 7 * DAY_IN_SECONDS, $this->token_claims( $token )['exp'] );
	}

	public function test_the_worker_accepts_our_token_and_refuses_forged_and_expired_ones(): void {
		$subscriber = $this->worker( 'POST', '/subscribers', array( 'permission' => 'default' ), false );
		$this->assertSame( 201, $subscriber['status'] );
		$id = $subscriber['data']['subscriberId'];

		$good = $this->worker( 'POST', "/subscribers/$id/identify", array( 'token' => beckon_identity_token( 1 ) ), false );
		$this->assertSame( 200, $good['status'], wp_json_encode( $good['data'] ) );

		$parts  = explode( '.', beckon_identity_token( 1 ) );
		$forged = beckon_base64url_encode( '{"sub":"2","exp":' . ( time() + 600 ) . '}' ) . '.' . $parts[1];
		$bad    = $this->worker( 'POST', "/subscribers/$id/identify", array( 'token' => $forged ), false );
		$this->assertSame( 401, $bad['status'] );
		$this->assertSame( 'identity_bad_signature', $bad['data']['error']['code'] );

		$old     = beckon_identity_token( 1, time() - 2 * DAY_IN_SECONDS );
		$expired = $this->worker( 'POST', "/subscribers/$id/identify", array( 'token' => $old ), false );
		$this->assertSame( 401, $expired['status'] );
		$this->assertSame( 'identity_expired', $expired['data']['error']['code'] );
	}

	public function test_rotating_the_secret_stores_a_new_one_the_worker_uses(): void {
		global $wpdb;
		$before = beckon_get_settings()['identity_secret'];
		$this->assertTrue( beckon_rotate_identity_secret() );
		$after = beckon_get_settings()['identity_secret'];
		$this->assertNotSame( $before, $after );
		// The worker keeps the new secret whatever the rollback does: keep WordPress in step with it.
		$wpdb->query( 'COMMIT' );
		$wpdb->query( 'START TRANSACTION' );
		self::$connected = beckon_get_settings();
		$subscriber      = $this->worker( 'POST', '/subscribers', array( 'permission' => 'default' ), false );
		$id              = $subscriber['data']['subscriberId'];
		$this->assertSame( 200, $this->worker( 'POST', "/subscribers/$id/identify", array( 'token' => beckon_identity_token( 1 ) ), false )['status'] );
		$this->use_secret( $before );
		$stale = $this->worker( 'POST', "/subscribers/$id/identify", array( 'token' => beckon_identity_token( 1 ) ), false );
		$this->assertSame( 401, $stale['status'] );
	}
}
