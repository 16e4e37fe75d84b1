<?php
/**
 * Tests for replies.php: "new reply to your comment" goes to the one user who wrote the parent comment.
 *
 * @package Beckon
 */

/**
 * Comment reply notifications.
 */
class Beckon_Replies_Test extends Beckon_Test_Case {

	/**
	 * Adds a comment.
	 *
	 * @param int $post_id Post.
	 * @param int $user_id Author (0 for a guest).
	 * @param int $parent  Parent comment.
	 * @param int $approved 1 or 0.
	 * @return int Comment id.
	 */
	private function comment( int $post_id, int $user_id, int $parent = 0, int $approved = 1 ): int {
		$id = wp_new_comment(
			array(
				'comment_post_ID'      => $post_id,
				'comment_author'       => $user_id ? 'User ' . $user_id : 'Guest',
				'comment_author_email' => 'u' . $user_id . '@example.test',
				'comment_author_url'   => '',
				'comment_content'      => 'Comment by ' . $user_id . ' ' . wp_generate_password( 8, false ),
				'comment_parent'       => $parent,
				'user_id'              => $user_id,
				'comment_approved'     => $approved,
			),
			true
		);
		$this->assertIsInt( $id );
		if ( ! $approved ) {
			wp_set_comment_status( $id, 'hold' );
		}
		return $id;
	}

	/**
	 * Reply notifications sent so far.
	 *
	 * @return array<int, array<string, mixed>> Calls.
	 */
	private function replies(): array {
		return $this->sends_keyed( '-comment-' );
	}

	public function test_notifies_the_parent_author_once_per_reply(): void {
		add_filter( 'pre_comment_approved', array( $this, 'approved' ) );
		$post   = $this->post( array( 'post_status' => 'publish' ) );
		$reader = wp_create_user( 'reader' . wp_generate_password( 4, false ), 'pw', 'r' . wp_generate_password( 4, false ) . '@example.test' );
		$parent = $this->comment( $post, $reader );
		$reply  = $this->comment( $post, 1, $parent );
		$sends  = $this->replies();
		$this->assertCount( 1, $sends );
		$this->assertSame( array( 'userIds' => array( (string) $reader ) ), $sends[0]['body']['audience'] );
		$this->assertSame( 'User 1 replied to your comment', $sends[0]['body']['title'] );
		$this->assertSame( get_comment_link( $reply ), $sends[0]['body']['url'] );
		$this->assertSame( sprintf( 'wp-%d-comment-%d-reply', get_current_blog_id(), $reply ), $sends[0]['headers']['Idempotency-Key'] );
		wp_set_comment_status( $reply, 'hold' );
		wp_set_comment_status( $reply, 'approve' );
		$this->assertCount( 1, $this->replies(), 'approving again does not notify again' );
		remove_filter( 'pre_comment_approved', array( $this, 'approved' ) );
	}

	public function test_notifies_when_a_held_reply_is_approved_and_never_for_guests_or_oneself(): void {
		add_filter( 'pre_comment_approved', array( $this, 'approved' ) );
		$post   = $this->post( array( 'post_status' => 'publish' ) );
		$mine   = $this->comment( $post, 1 );
		$this->comment( $post, 1, $mine );
		$guest  = $this->comment( $post, 0 );
		$this->comment( $post, 1, $guest );
		$this->assertCount( 0, $this->replies() );
		remove_filter( 'pre_comment_approved', array( $this, 'approved' ) );

		$reader = wp_create_user( 'held' . wp_generate_password( 4, false ), 'pw', 'h' . wp_generate_password( 4, false ) . '@example.test' );
		$parent = $this->comment( $post, $reader, 0, 1 );
		add_filter( 'pre_comment_approved', array( $this, 'held' ) );
		$reply = $this->comment( $post, 1, $parent, 0 );
		remove_filter( 'pre_comment_approved', array( $this, 'held' ) );
		$this->assertCount( 0, $this->replies() );
		wp_set_comment_status( $reply, 'approve' );
		$this->assertCount( 1, $this->replies() );
	}

	/**
	 * Approves comments at once.
	 *
	 * @return int 1.
	 */
	public function approved(): int {
		return 1;
	}

	/**
	 * Holds comments for moderation.
	 *
	 * @return int 0.
	 */
	public function held(): int {
		return 0;
	}
}
