<?php
/**
 * Tests for editor.php: the per-post switches of the block editor (post meta over REST) and the classic
 * editor's checkbox: skip one post, or send it once more on purpose.
 *
 * @package Beckon
 */

/**
 * Per-post switches.
 */
class Beckon_Editor_Test extends Beckon_Test_Case {

	public function test_rest_publish_with_the_switch_off_sends_nothing(): void {
		$request = new WP_REST_Request( 'POST', '/wp/v2/posts' );
		$request->set_body_params(
			array(
				'title'  => 'Quiet post',
				'status' => 'publish',
				'meta'   => array( 'beckon_skip' => true ),
			)
		);
		$response = rest_do_request( $request );
		$this->assertSame( 201, $response->get_status() );
		$this->assertCount( 0, $this->sends() );
		$this->assertSame( '', $response->get_data()['beckon_push']['notificationId'] ?? '' );
	}

	public function test_send_again_sends_one_more_and_resets_the_switch(): void {
		$id = $this->post( array( 'post_status' => 'publish' ) );
		$request = new WP_REST_Request( 'POST', '/wp/v2/posts/' . $id );
		$request->set_body_params( array( 'meta' => array( 'beckon_send_again' => true ) ) );
		$response = rest_do_request( $request );
		$this->assertSame( 200, $response->get_status() );
		$sends = $this->sends_for( $id );
		$this->assertCount( 2, $sends );
		$this->assertStringEndsWith( '-again-2', $sends[1]['headers']['Idempotency-Key'] );
		$this->assertNotSame( get_post_meta( $id, '_beckon_notification_id', true ), '' );
		$this->assertFalse( $response->get_data()['meta']['beckon_send_again'], 'the switch is off again in the editor' );
		$this->assertSame( 2, $response->get_data()['beckon_push']['sends'] );
		$this->edit_twice( $id );
		$this->assertCount( 2, $this->sends_for( $id ) );
	}

	/**
	 * An Author: may edit and publish their own posts, may not send notifications.
	 *
	 * @return int User id.
	 */
	private function author(): int {
		return (int) wp_insert_user(
			array(
				'user_login' => 'author' . wp_generate_password( 6, false ),
				'user_pass'  => wp_generate_password(),
				'role'       => 'author',
			)
		);
	}

	public function test_an_author_cannot_send_their_published_post_again(): void {
		$author = $this->author();
		$id     = $this->post(
			array(
				'post_status' => 'publish',
				'post_author' => $author,
			)
		);
		$this->assertCount( 1, $this->sends_for( $id ) );
		wp_set_current_user( $author );
		$this->assertTrue( current_user_can( 'edit_post', $id ) );
		$request = new WP_REST_Request( 'POST', '/wp/v2/posts/' . $id );
		$request->set_body_params( array( 'meta' => array( 'beckon_send_again' => true ) ) );
		$response = rest_do_request( $request );
		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( 'rest_cannot_update', $response->get_data()['code'] );
		$this->assertFalse( (bool) get_post_meta( $id, 'beckon_send_again', true ) );
		$this->edit_twice( $id );
		$this->assertCount( 1, $this->sends_for( $id ), 'nothing is sent again' );
		$view = new WP_REST_Request( 'GET', '/wp/v2/posts/' . $id );
		$view->set_param( 'context', 'edit' );
		$this->assertFalse( rest_do_request( $view )->get_data()['beckon_push']['canSendAgain'], 'the block editor hides the switch' );
		wp_set_current_user( 1 );
		$this->assertTrue( rest_do_request( $view )->get_data()['beckon_push']['canSendAgain'] );
	}

	public function test_an_author_saves_the_block_editors_whole_meta_object(): void {
		$author = $this->author();
		wp_set_current_user( $author );
		$request = new WP_REST_Request( 'POST', '/wp/v2/posts' );
		$request->set_body_params(
			array(
				'title'  => 'Written by an author',
				'status' => 'publish',
				'meta'   => array(
					'beckon_skip'       => false,
					'beckon_send_again' => false,
				),
			)
		);
		$response = rest_do_request( $request );
		$this->assertSame( 201, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$this->assertCount( 1, $this->sends_for( $response->get_data()['id'] ), 'publishing still sends once' );
	}

	public function test_the_classic_editor_offers_send_again_only_to_those_who_may_send(): void {
		$author = $this->author();
		$id     = $this->post(
			array(
				'post_status' => 'publish',
				'post_author' => $author,
			)
		);
		ob_start();
		beckon_classic_switch( get_post( $id ) );
		$this->assertStringContainsString( 'name="beckon_send_again"', (string) ob_get_clean() );
		wp_set_current_user( $author );
		ob_start();
		beckon_classic_switch( get_post( $id ) );
		$this->assertStringNotContainsString( 'beckon_send_again', (string) ob_get_clean() );

		$_POST['beckon_switch_nonce'] = wp_create_nonce( 'beckon_switch_' . $id );
		$_POST['beckon_switch_mode']  = 'again';
		$_POST['beckon_send_again']   = '1';
		wp_update_post(
			array(
				'ID'         => $id,
				'post_title' => 'Edited by its author',
			)
		);
		$_POST = array();
		$this->assertCount( 1, $this->sends_for( $id ), 'a forged checkbox sends nothing' );
	}

	public function test_classic_editor_checkbox_skips_the_push(): void {
		$id = $this->post();
		$_POST['beckon_switch_nonce'] = wp_create_nonce( 'beckon_switch_' . $id );
		$_POST['beckon_switch_mode']  = 'publish';
		wp_update_post(
			array(
				'ID'          => $id,
				'post_status' => 'publish',
			)
		);
		$_POST = array();
		$this->assertCount( 0, $this->sends_for( $id ) );
		$this->assertTrue( (bool) get_post_meta( $id, 'beckon_skip', true ) );
	}
}
