<?php
/**
 * Tests for developer-api.php: beckon_track() and beckon_send() against the real worker.
 *
 * @package Beckon
 */

/**
 * The developer API.
 */
class Beckon_Developer_Api_Test extends Beckon_Test_Case {

	public function test_track_records_an_event_of_the_user_once_per_id_and_defaults_to_the_current_user(): void {
		$user    = $this->user( 'subscriber' );
		$tracked = beckon_track( 'course_started', array( 'course' => 'Oak joinery', 'lessons' => 6 ), $user, array( 'id' => 'course-1' ) );
		$this->assertSame(
			array(
				'accepted'   => 1,
				'duplicates' => 0,
			),
			$tracked
		);
		$again = beckon_track( 'course_started', array( 'course' => 'Oak joinery' ), $user, array( 'id' => 'course-1' ) );
		$this->assertSame( 1, $again['duplicates'] );
		wp_set_current_user( $user );
		$this->assertSame( 1, beckon_track( 'lesson_done' )['accepted'] );

		$seen   = $this->worker( 'GET', '/users/' . $user );
		$events = array_column( $seen['data']['events'], 'properties', 'name' );
		$this->assertSame( array( 'course' => 'Oak joinery', 'lessons' => 6 ), $events['course_started'] );
		$this->assertArrayHasKey( 'lesson_done', $events );
	}

	public function test_track_answers_the_backends_reason_or_a_missing_user_as_an_error(): void {
		wp_set_current_user( 0 );
		$nobody = beckon_track( 'course_started' );
		$this->assertTrue( is_wp_error( $nobody ) );
		$this->assertSame( 'beckon_no_user', $nobody->get_error_code() );
		$bad = beckon_track( '9 lives', array(), 1 );
		$this->assertTrue( is_wp_error( $bad ) );
		$this->assertStringContainsString( 'events[0].name', $bad->get_error_message() );
	}

	public function test_send_reaches_users_everyone_or_an_audience_once_per_key(): void {
		$one = beckon_send( array( 'title' => 'Your course starts tomorrow' ), 7, array( 'idempotency_key' => 'course-7' ) );
		$this->assertNotWPError( $one );
		$this->assertMatchesRegularExpression( '/^ntf_/', $one['notificationId'] );
		$this->assertFalse( $one['duplicate'] );
		$twice = beckon_send( array( 'title' => 'Your course starts tomorrow' ), 7, array( 'idempotency_key' => 'course-7' ) );
		$this->assertSame( $one['notificationId'], $twice['notificationId'] );
		$this->assertTrue( $twice['duplicate'] );

		$sent = $this->calls_to( 'POST', '/notifications' );
		$this->assertSame( array( 'userIds' => array( '7' ) ), $sent[0]['body']['audience'] );
		beckon_send( array( 'title' => 'Hello' ), array( 3, 4 ) );
		beckon_send( array( 'title' => 'Hello' ) );
		beckon_send( array( 'title' => 'Hello' ), array( 'categories' => array( 'news' ) ) );
		$audiences = array_map(
			static function ( array $call ) {
				return $call['body']['audience'];
			},
			array_slice( $this->calls_to( 'POST', '/notifications' ), 2 )
		);
		$this->assertSame(
			array(
				array( 'userIds' => array( '3', '4' ) ),
				array( 'all' => true ),
				array( 'categories' => array( 'news' ) ),
			),
			$audiences
		);
		$wrong = beckon_send( array( 'title' => 'Hello' ), 'everyone' );
		$this->assertSame( 'beckon_bad_audience', $wrong->get_error_code() );
		$untitled = beckon_send( array( 'body' => 'no title' ), 7 );
		$this->assertTrue( is_wp_error( $untitled ) );
		$this->assertStringContainsString( 'title', $untitled->get_error_message() );
	}
}
