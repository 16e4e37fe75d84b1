<?php
/**
 * Tests for uninstall.php: everything the plugin stored is gone, and running it twice is harmless.
 *
 * @package Beckon
 */

/**
 * Uninstall.
 */
class Beckon_Uninstall_Test extends Beckon_Test_Case {

	public function test_removes_every_option_meta_transient_and_event(): void {
		global $wpdb;
		$post    = $this->post( array( 'post_status' => 'publish' ) );
		$comment = wp_insert_comment(
			array(
				'comment_post_ID' => $post,
				'comment_content' => 'x',
			)
		);
		update_post_meta( $post, 'beckon_skip', true );
		update_post_meta( $post, 'beckon_send_again', true );
		update_comment_meta( $comment, '_beckon_notified', 'ntf_x' );
		update_post_meta( $post, 'unrelated_meta', 'stays' );
		beckon_add_notice( 'info', 'hello' );
		beckon_fetch_stats();
		wp_schedule_single_event( time() + 600, 'beckon_retry_push', array( $post, 'publish', 2 ) );
		$this->assertNotSame( '', get_post_meta( $post, '_beckon_notification_id', true ) );
		$this->assertNotFalse( get_transient( 'beckon_notices_1' ) );

		uninstall_plugin( 'beckon-web-push/load.php' );
		beckon_uninstall_site();

		wp_cache_flush();
		$this->assertNull( $wpdb->get_var( "SELECT option_value FROM {$wpdb->options} WHERE option_name = 'beckon_settings'" ) );
		$this->assertSame( '0', $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->options} WHERE option_name LIKE '%beckon%'" ) );
		$this->assertSame( '0', $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->postmeta} WHERE meta_key LIKE '%beckon%'" ) );
		$this->assertSame( '0', $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->commentmeta} WHERE meta_key LIKE '%beckon%'" ) );
		$this->assertFalse( wp_next_scheduled( 'beckon_retry_push', array( $post, 'publish', 2 ) ) );
		$this->assertSame( 'stays', get_post_meta( $post, 'unrelated_meta', true ) );
	}
}
