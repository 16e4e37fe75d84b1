<?php
/**
 * Tests for publish.php: one notification per post for every publish route, never on update, category
 * targeting, the site icon, and failures that neither break publishing nor lose the push.
 *
 * @package Beckon
 */

require_once ABSPATH . WPINC . '/class-IXR.php';
require_once ABSPATH . WPINC . '/class-wp-xmlrpc-server.php';

/**
 * Push on publish.
 */
class Beckon_Publish_Test extends Beckon_Test_Case {

	public function test_editor_publish_sends_once_and_never_on_update(): void {
		$id = $this->post( array( 'post_title' => 'Fish &amp; Chips <b>tonight</b>' ) );
		$this->assertCount( 0, $this->sends(), 'a draft sends nothing' );
		wp_update_post(
			array(
				'ID'          => $id,
				'post_status' => 'publish',
			)
		);
		$sends = $this->sends_for( $id );
		$this->assertCount( 1, $sends );
		$this->assertSame( sprintf( 'wp-%d-post-%d-publish', get_current_blog_id(), $id ), $sends[0]['headers']['Idempotency-Key'] );
		$this->assertSame( 202, $sends[0]['status'] );
		$this->assertSame( 'Fish & Chips tonight', $sends[0]['body']['title'] );
		$this->assertSame( 'Some content for the excerpt.', $sends[0]['body']['body'] );
		$this->assertSame( get_permalink( $id ), $sends[0]['body']['url'] );
		$this->assertSame( array( 'all' => true ), $sends[0]['body']['audience'] );
		$this->assertArrayNotHasKey( 'icon', $sends[0]['body'], 'without a site icon the backend uses the site\'s own' );
		$notification = get_post_meta( $id, '_beckon_notification_id', true );
		$this->assertMatchesRegularExpression( '/^ntf_/', $notification );
		// What the backend's "New posts" automation sent: the post's message, to everyone.
		$sent = $this->worker( 'GET', '/notifications/' . $notification )['data'];
		$this->assertSame( 'Fish & Chips tonight', $sent['message']['title'] );
		$this->assertSame( get_permalink( $id ), $sent['message']['url'] );
		$this->assertSame( array( 'all' => true ), $sent['audience'] );

		$this->edit_twice( $id );
		wp_update_post(
			array(
				'ID'          => $id,
				'post_status' => 'draft',
			)
		);
		wp_update_post(
			array(
				'ID'          => $id,
				'post_status' => 'publish',
			)
		);
		$this->assertCount( 1, $this->sends_for( $id ), 'updates, unpublish and republish send nothing more' );
	}

	public function test_uses_the_site_icon_and_the_featured_image(): void {
		$icon = static function (): string {
			return 'https://example.test/icon-192.png';
		};
		add_filter( 'get_site_icon_url', $icon );
		$photo = wp_insert_attachment(
			array(
				'post_mime_type' => 'image/jpeg',
				'post_title'     => 'Photo',
				'post_status'    => 'inherit',
			),
			'2026/11/photo.jpg'
		);
		$id = $this->post(
			array(
				'post_status' => 'publish',
				'meta_input'  => array( '_thumbnail_id' => $photo ),
			)
		);
		remove_filter( 'get_site_icon_url', $icon );
		$body = $this->sends_for( $id )[0]['body'];
		$this->assertSame( 'https://example.test/icon-192.png', $body['icon'] );
		$this->assertStringEndsWith( '/wp-content/uploads/2026/11/photo.jpg', $body['image'] );
	}

	public function test_drops_plain_http_images_of_other_hosts_but_still_sends(): void {
		$icon  = static function (): string {
			return 'http://cdn.example.test/icon-192.png';
		};
		$image = static function (): string {
			return 'http://cdn.example.test/photo.jpg';
		};
		add_filter( 'get_site_icon_url', $icon );
		add_filter( 'post_thumbnail_url', $image );
		$photo = wp_insert_attachment(
			array(
				'post_mime_type' => 'image/jpeg',
				'post_title'     => 'Photo on a CDN',
				'post_status'    => 'inherit',
			),
			'2026/11/cdn.jpg'
		);
		$id    = $this->post(
			array(
				'post_status' => 'publish',
				'meta_input'  => array( '_thumbnail_id' => $photo ),
			)
		);
		remove_filter( 'get_site_icon_url', $icon );
		remove_filter( 'post_thumbnail_url', $image );
		$sends = $this->sends_for( $id );
		$this->assertCount( 1, $sends );
		$this->assertArrayNotHasKey( 'icon', $sends[0]['body'] );
		$this->assertArrayNotHasKey( 'image', $sends[0]['body'] );
		$this->assertSame( '', beckon_image_url( 'javascript:alert(1)' ) );
		$this->assertSame( home_url( '/wp-content/a.png' ), beckon_image_url( home_url( '/wp-content/a.png' ) ) );
	}

	public function test_rest_publish_sends_once_with_meta_and_terms_saved_first(): void {
		$request = new WP_REST_Request( 'POST', '/wp/v2/posts' );
		$request->set_body_params(
			array(
				'title'   => 'Published over REST',
				'content' => 'From the block editor or an app.',
				'status'  => 'publish',
			)
		);
		$response = rest_do_request( $request );
		$this->assertSame( 201, $response->get_status() );
		$id = (int) $response->get_data()['id'];
		$this->assertCount( 1, $this->sends_for( $id ) );

		$update = new WP_REST_Request( 'POST', '/wp/v2/posts/' . $id );
		$update->set_body_params( array( 'title' => 'Published over REST, edited' ) );
		$this->assertSame( 200, rest_do_request( $update )->get_status() );
		$this->assertCount( 1, $this->sends_for( $id ) );
	}

	public function test_scheduled_post_sends_when_cron_publishes_it(): void {
		$future = gmdate( 'Y-m-d H:i:s', time() + HOUR_IN_SECONDS );
		$id     = $this->post(
			array(
				'post_status'   => 'future',
				'post_date'     => $future,
				'post_date_gmt' => $future,
			)
		);
		$this->assertNotFalse( wp_next_scheduled( 'publish_future_post', array( $id ) ) );
		$this->assertCount( 0, $this->sends() );
		// An hour passes.
		global $wpdb;
		$now = gmdate( 'Y-m-d H:i:s', time() - 5 );
		$wpdb->update(
			$wpdb->posts,
			array(
				'post_date'     => $now,
				'post_date_gmt' => $now,
			),
			array( 'ID' => $id )
		);
		clean_post_cache( $id );
		do_action( 'publish_future_post', $id );
		$this->assertSame( 'publish', get_post_status( $id ) );
		$this->assertCount( 1, $this->sends_for( $id ) );
	}

	public function test_xmlrpc_publish_sends_once(): void {
		$server = new wp_xmlrpc_server();
		$id     = $server->wp_newPost(
			array(
				1,
				'admin',
				'beckon-admin-pass',
				array(
					'post_title'   => 'Sent from a desktop app',
					'post_content' => 'Over XML-RPC.',
					'post_status'  => 'publish',
				),
			)
		);
		$this->assertIsNumeric( $id, $id instanceof IXR_Error ? $id->message : '' );
		$this->assertCount( 1, $this->sends_for( (int) $id ) );
		$server->wp_editPost( array( 1, 'admin', 'beckon-admin-pass', (int) $id, array( 'post_title' => 'Edited over XML-RPC' ) ) );
		$this->assertCount( 1, $this->sends_for( (int) $id ) );
	}

	public function test_import_sends_new_posts_but_never_an_archive(): void {
		$new = $this->post(
			array(
				'post_status' => 'publish',
				'import_id'   => 900001,
			)
		);
		$this->assertCount( 1, $this->sends_for( $new ) );
		$old = $this->post(
			array(
				'post_status' => 'publish',
				'post_date'   => '2020-01-02 03:04:05',
			)
		);
		$this->assertCount( 0, $this->sends_for( $old ) );
		$this->assertSame( 'too_old', beckon_publish_skip_reason( get_post( $old ) ) );
	}

	public function test_only_chosen_post_types_and_public_posts_send(): void {
		$page = $this->post(
			array(
				'post_type'   => 'page',
				'post_status' => 'publish',
			)
		);
		$secret = $this->post(
			array(
				'post_status'   => 'publish',
				'post_password' => 'hunter2',
			)
		);
		$private = $this->post( array( 'post_status' => 'private' ) );
		$this->assertCount( 0, $this->sends(), 'pages are not chosen; protected and private posts are not public' );

		update_option( 'beckon_settings', array( 'post_types' => array( 'post', 'page' ) ) );
		$page2 = $this->post(
			array(
				'post_type'   => 'page',
				'post_status' => 'publish',
			)
		);
		$this->assertCount( 1, $this->sends_for( $page2 ) );
		$this->assertCount( 0, $this->sends_for( $page ) + $this->sends_for( $secret ) + $this->sends_for( $private ) );
	}

	public function test_categories_target_their_readers(): void {
		$news  = Beckon_Settings_Test::factory_category( 'News' );
		$sport = Beckon_Settings_Test::factory_category( 'Sport' );
		update_option( 'beckon_settings', array( 'categories' => array( $news ) ) );
		$in  = $this->post(
			array(
				'post_status'   => 'publish',
				'post_category' => array( $news, $sport ),
			)
		);
		$out = $this->post(
			array(
				'post_status'   => 'publish',
				'post_category' => array( $sport ),
			)
		);
		$this->assertSame( array( 'categories' => array( 'cat-' . $news ) ), $this->sends_for( $in )[0]['body']['audience'] );
		$this->assertSame( array( 'all' => true ), $this->sends_for( $out )[0]['body']['audience'] );
		$sent = $this->worker( 'GET', '/notifications/' . get_post_meta( $in, '_beckon_notification_id', true ) )['data'];
		$this->assertSame( array( 'categories' => array( 'cat-' . $news ) ), $sent['audience'] );
		update_option( 'beckon_settings', array( 'categories' => array() ) );
	}

	public function test_the_idempotency_key_stops_a_second_send_even_if_the_meta_is_lost(): void {
		$id    = $this->post( array( 'post_status' => 'publish' ) );
		$first = get_post_meta( $id, '_beckon_notification_id', true );
		delete_post_meta( $id, '_beckon_notification_id' );
		$again = beckon_push_post( get_post( $id ), 'publish' );
		$this->assertNotWPError( $again );
		$this->assertTrue( $again['duplicate'] );
		$this->assertSame( $first, $again['notificationId'] );
	}

	public function test_a_down_backend_neither_breaks_publishing_nor_loses_the_push(): void {
		update_option( 'beckon_settings', array( 'url' => 'http://127.0.0.1:9' ) );
		$id = $this->post( array( 'post_status' => 'publish' ) );
		$this->assertSame( 'publish', get_post_status( $id ) );
		$this->assertStringContainsString( 'Could not reach', get_post_meta( $id, '_beckon_error', true ) );
		$this->assertNotFalse( wp_next_scheduled( 'beckon_retry_push', array( $id, 'publish', 2 ) ) );
		$this->assertStringContainsString( 'was not sent', get_transient( 'beckon_notices_1' )[0]['message'] );

		// The first try failed before its event: finding the "New posts" automation could not reach the backend.
		$this->assertCount( 0, $this->sends_for( $id ) );

		update_option( 'beckon_settings', array( 'url' => self::$connected['url'] ) );
		do_action( 'beckon_retry_push', $id, 'publish', 2 );
		$this->assertSame( 202, $this->sends_for( $id )[0]['status'] );
		$this->assertMatchesRegularExpression( '/^ntf_/', get_post_meta( $id, '_beckon_notification_id', true ) );
		$this->assertSame( '', get_post_meta( $id, '_beckon_error', true ) );
		do_action( 'beckon_retry_push', $id, 'publish', 3 );
		$this->assertCount( 1, $this->sends_for( $id ), 'a late retry after success sends nothing' );
	}

	public function test_nothing_is_sent_or_broken_when_not_connected(): void {
		update_option( 'beckon_settings', array( 'disconnect' => '1' ) );
		$id = $this->post( array( 'post_status' => 'publish' ) );
		$this->assertSame( 'publish', get_post_status( $id ) );
		$this->assertSame( array(), self::$calls );
	}

	public function test_status_changes_made_without_the_insert_hooks_still_send(): void {
		$id   = $this->post();
		$post = get_post( $id );
		global $wpdb;
		$wpdb->update( $wpdb->posts, array( 'post_status' => 'publish' ), array( 'ID' => $id ) );
		clean_post_cache( $id );
		wp_transition_post_status( 'publish', 'draft', get_post( $id ) );
		$this->assertCount( 0, $this->sends_for( $id ) );
		beckon_flush_pending_posts();
		$this->assertCount( 1, $this->sends_for( $id ) );
		$this->assertSame( 'draft', $post->post_status );
	}

	public function test_new_posts_is_an_automation_the_owner_can_see_edit_and_turn_off(): void {
		$id         = beckon_posts_automation();
		$automation = $this->worker( 'GET', '/automations/' . $id )['data'];
		$this->assertSame( 'new_posts', $automation['template'] );
		$this->assertTrue( $automation['enabled'] );
		$this->assertSame( array( 'all' => true ), $automation['audience'] );
		// The owner edits the message in the console: the next post goes out with it.
		$message            = $automation['steps'][0]['message'];
		$edited             = $message;
		$edited['title']    = 'New on the blog: {{ event.title }}';
		$edited['actions']  = array(
			array(
				'action' => 'read',
				'title'  => 'Read it',
			),
		);
		$patched            = $this->worker( 'PATCH', '/automations/' . $id, array( 'steps' => array( array( 'message' => $edited ) ) ) );
		$this->assertSame( 200, $patched['status'], wp_json_encode( $patched['data'] ) );
		$post = $this->post(
			array(
				'post_title'  => 'Pruning',
				'post_status' => 'publish',
			)
		);
		$sent = $this->worker( 'GET', '/notifications/' . get_post_meta( $post, '_beckon_notification_id', true ) )['data'];
		$this->assertSame( 'New on the blog: Pruning', $sent['message']['title'] );
		$this->assertSame( 'Read it', $sent['message']['actions'][0]['title'] );
		$report = $this->worker( 'GET', '/automations/' . $id . '/report' )['data'];
		$this->assertGreaterThanOrEqual( 1, $report['trigger']['entered'] );
		// Turned off: the post is recorded, nothing is sent, and the editor is told why.
		$this->assertSame( 200, $this->worker( 'POST', '/automations/' . $id . '/disable' )['status'] );
		$off = $this->post( array( 'post_status' => 'publish' ) );
		$this->assertSame( '', get_post_meta( $off, '_beckon_notification_id', true ) );
		$this->assertStringContainsString( 'sent nothing', get_post_meta( $off, '_beckon_error', true ) );
		$this->assertFalse( wp_next_scheduled( 'beckon_retry_push', array( $off, 'publish', 2 ) ) );
		$this->assertSame( 200, $this->worker( 'POST', '/automations/' . $id . '/enable' )['status'] );
		$this->assertSame( 200, $this->worker( 'PATCH', '/automations/' . $id, array( 'steps' => array( array( 'message' => $message ) ) ) )['status'] );
	}

	public function test_a_message_too_big_for_an_event_drops_its_pictures_first_and_still_sends(): void {
		$huge = static function ( array $message ): array {
			$message['image'] = 'https://example.test/' . str_repeat( 'i', 1500 ) . '.jpg';
			$message['body']  = str_repeat( 'Long words ', 60 );
			return $message;
		};
		add_filter( 'beckon_post_message', $huge );
		$id = $this->post( array( 'post_status' => 'publish' ) );
		remove_filter( 'beckon_post_message', $huge );
		$event = $this->sends_for( $id )[0]['event'];
		$this->assertSame( '', $event['properties']['image'] );
		$this->assertLessThanOrEqual( 2000, strlen( (string) wp_json_encode( $event['properties'] ) ) );
		$sent = $this->worker( 'GET', '/notifications/' . get_post_meta( $id, '_beckon_notification_id', true ) )['data'];
		$this->assertArrayNotHasKey( 'image', $sent['message'] );
		$this->assertStringStartsWith( 'Long words', $sent['message']['body'] );
	}
}
