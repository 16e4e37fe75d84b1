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
