<?php
/**
 * "New reply to your comment": a one-to-one notification to the registered user whose comment got an approved
 * reply, on every browser where they subscribed while logged in (identity tokens tie those browsers to them).
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * A new comment that is approved at once.
 *
 * @param int        $comment_id Comment id.
 * @param int|string $approved   Approved when 1.
 * @return void
 */
function beckon_comment_posted( int $comment_id, $approved ): void {
	if ( 1 === (int) $approved ) {
		beckon_notify_reply( $comment_id );
	}
}

/**
 * A comment approved later by a moderator.
 *
 * @param string     $new_status New status.
 * @param string     $old_status Old status.
 * @param WP_Comment $comment    Comment.
 * @return void
 */
function beckon_comment_approved( string $new_status, string $old_status, $comment ): void {
	if ( 'approved' === $new_status && 'approved' !== $old_status && $comment instanceof WP_Comment ) {
		beckon_notify_reply( (int) $comment->comment_ID );
	}
}

/**
 * Sends the reply notification to the parent comment's author, once per reply.
 *
 * @param int $comment_id Reply id.
 * @return array{notificationId: string, duplicate: bool}|WP_Error|null Result, null when nobody is notified.
 */
function beckon_notify_reply( int $comment_id ) {
	$reply = get_comment( $comment_id );
	if ( ! $reply instanceof WP_Comment || ! $reply->comment_parent || ! beckon_is_connected() || ! beckon_get_settings()['notify_replies'] ) {
		return null;
	}
	$parent = get_comment( (int) $reply->comment_parent );
	$to     = $parent instanceof WP_Comment ? (int) $parent->user_id : 0;
	if ( $to <= 0 || (int) $reply->user_id === $to || get_comment_meta( $comment_id, '_beckon_notified', true ) ) {
		return null;
	}
	$message = array(
		/* translators: %s: name of the person who replied */
		'title' => beckon_plain_text( sprintf( __( '%s replied to your comment', 'beckon-web-push' ), $reply->comment_author ), 120 ),
		'body'  => beckon_plain_text( $reply->comment_content, 240 ),
		'url'   => (string) get_comment_link( $reply ),
		'icon'  => beckon_site_icon_url(),
	);
	$message = (array) apply_filters( 'beckon_reply_message', $message, $reply, $parent );
	$sent    = beckon_send_to_user( $to, $message, sprintf( 'wp-%d-comment-%d-reply', get_current_blog_id(), $comment_id ) );
	if ( ! is_wp_error( $sent ) ) {
		update_comment_meta( $comment_id, '_beckon_notified', $sent['notificationId'] );
	}
	return $sent;
}
