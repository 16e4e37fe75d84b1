<?php
/**
 * Tests for staff-alerts.php against the real worker: comments held for moderation, new users, and
 * beckon_staff_alert() reach the staff's in-console list.
 *
 * @package Beckon
 */

/**
 * Staff alerts.
 */
class Beckon_Staff_Alerts_Test extends Beckon_Test_Case {

	/**
	 * A staff member of the site on the backend (as if they had opened the console), with their in-console list.
	 *
	 * @return string Staff id.
	 */
	private function staff(): string {
		$id   = 'wp-staff-' . wp_generate_password( 6, false );
		$made = $this->worker( 'POST', '/staff', array( 'staffId' => $id ) );
		$this->assertSame( 201, $made['status'] );
		return $id;
	}

	/**
	 * A staff member's in-console alerts.
	 *
	 * @param string $id Staff id.
	 * @return array<int, array<string, mixed>> Alerts, newest first.
	 */
	private function alerts( string $id ): array {
		return $this->worker( 'GET', '/staff/' . $id . '/notifications' )['data']['notifications'];
	}

	/**
	 * Filter: hold every new comment for moderation.
	 *
	 * @return int Not approved.
	 */
	public function held(): int {
		return 0;
	}

	public function test_a_comment_held_for_moderation_alerts_the_staff_once(): void {
		$staff = $this->staff();
		$post  = $this->post(
			array(
				'post_status' => 'publish',
				'post_title'  => 'Oak tables',
			)
		);
		add_filter( 'pre_comment_approved', array( $this, 'held' ) );
		$comment = wp_new_comment(
			array(
				'comment_post_ID'      => $post,
				'comment_author'       => 'Dana',
				'comment_author_email' => 'dana@example.test',
				'comment_author_url'   => '',
				'comment_content'      => 'Is the oak oiled or waxed?',
			),
			true
		);
		remove_filter( 'pre_comment_approved', array( $this, 'held' ) );
		$this->assertIsInt( $comment );
		$calls = $this->calls_to( 'POST', '/staff-events' );
		$this->assertCount( 1, $calls );
		$event = $calls[0]['body']['events'][0];
		$this->assertSame( 'comment.pending', $event['type'] );
		$this->assertSame( sprintf( 'wp-%d-comment-%d', get_current_blog_id(), $comment ), $event['id'] );

		$alerts = $this->alerts( $staff );
		$this->assertCount( 1, $alerts );
		$this->assertSame( 'comment.pending', $alerts[0]['kind'] );
		$this->assertSame( 'Comment awaiting moderation on “Oak tables”', $alerts[0]['title'] );
		$this->assertSame( 'Dana: Is the oak oiled or waxed?', $alerts[0]['body'] );
		$this->assertStringContainsString( 'edit-comments.php?comment_status=moderated', $alerts[0]['url'] );

		// The same comment again (a retried hook) alerts nobody twice; an approved comment alerts nobody.
		beckon_alert_pending_comment( $comment, 0 );
		$this->assertCount( 1, $this->alerts( $staff ) );
		beckon_alert_pending_comment( $comment, 1 );
		beckon_alert_pending_comment( $comment, 'spam' );
		$this->assertCount( 2, $this->calls_to( 'POST', '/staff-events' ) );
	}

	public function test_a_new_user_alerts_the_staff_with_a_link_to_the_profile(): void {
		$staff = $this->staff();
		$user  = $this->user( 'subscriber' );
		$event = $this->calls_to( 'POST', '/staff-events' )[0]['body']['events'][0];
		$this->assertSame( 'user.registered', $event['type'] );
		$alerts = $this->alerts( $staff );
		$this->assertSame( 'New user: Subscriber Example', $alerts[0]['title'] );
		$this->assertStringContainsString( 'user-edit.php?user_id=' . $user, $alerts[0]['url'] );
		// Nothing else about them (no email address).
		$this->assertStringNotContainsString( '@example.com', wp_json_encode( $event ) );
	}

	public function test_any_plugin_raises_its_own_alert_once_per_id_and_gets_clear_errors(): void {
		$staff = $this->staff();
		$first = beckon_staff_alert(
			'New booking for Saturday',
			array(
				'id'   => 'booking-77',
				'body' => str_repeat( 'Long note ', 300 ),
				'url'  => 'https://example.test/wp-admin/admin.php?page=bookings&id=77',
			)
		);
		$this->assertNotWPError( $first );
		// Every staff member of the site takes custom alerts by default (earlier tests made some too).
		$this->assertGreaterThanOrEqual( 1, $first['notified'] );
		$this->assertFalse( $first['duplicate'] );
		$again = beckon_staff_alert( 'New booking for Saturday', array( 'id' => 'booking-77' ) );
		$this->assertTrue( $again['duplicate'] );
		$alerts = $this->alerts( $staff );
		$this->assertSame( 'New booking for Saturday', $alerts[0]['title'] );
		$this->assertSame( 2000, mb_strlen( $alerts[0]['body'] ) );

		$kind = beckon_staff_alert( 'x', array( 'kind' => 'order.shipped' ) );
		$this->assertSame( 'beckon_bad_kind', $kind->get_error_code() );
		$url = beckon_staff_alert( 'x', array( 'url' => 'not a url' ) );
		$this->assertTrue( is_wp_error( $url ) );
		$this->assertStringContainsString( 'events[0].url', $url->get_error_message() );
	}
}
