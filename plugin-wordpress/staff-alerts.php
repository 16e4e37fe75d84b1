<?php
/**
 * Staff alerts from WordPress: a comment awaiting moderation and a new user account alert the site's staff (each
 * under their own preferences in the Beckon console: push to their browsers, never while they are active in the
 * console), and any plugin can raise its own alert with beckon_staff_alert().
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Raises a staff alert: the staff members who take alerts get it in the console's list and, as their preferences
 * say, as a push. For example `beckon_staff_alert( 'New booking for Saturday', array( 'url' => $admin_link ) )`.
 *
 * @param string               $title What happened, in a line (at most 200 characters).
 * @param array<string, mixed> $args  Keys: body (at most 2,000 characters), url (an http(s) link staff open), id (an
 *                                    event id: the same id alerts once), kind (`alert`, the default, or one of
 *                                    `comment.pending`, `user.registered`, `order.created`).
 * @return array{notified: int, pushed: int, duplicate: bool}|WP_Error What the backend did, or why not.
 */
function beckon_staff_alert( string $title, array $args = array() ) {
	if ( ! beckon_is_connected() ) {
		return new WP_Error( 'beckon_not_connected', __( 'Beckon is not connected to a backend yet.', 'beckon-web-push' ) );
	}
	$kind = isset( $args['kind'] ) ? (string) $args['kind'] : 'alert';
	if ( ! in_array( $kind, array( 'alert', 'comment.pending', 'user.registered', 'order.created' ), true ) ) {
		return new WP_Error( 'beckon_bad_kind', __( 'beckon_staff_alert(): kind must be alert, comment.pending, user.registered or order.created.', 'beckon-web-push' ) );
	}
	$event = array(
		'id'    => isset( $args['id'] ) && '' !== (string) $args['id'] ? (string) $args['id'] : 'wp-alert-' . wp_generate_uuid4(),
		'type'  => $kind,
		'title' => beckon_fit_text( $title, 200 ),
	);
	if ( isset( $args['body'] ) && '' !== trim( (string) $args['body'] ) ) {
		$event['body'] = beckon_fit_text( (string) $args['body'], 2000 );
	}
	if ( isset( $args['url'] ) && '' !== (string) $args['url'] ) {
		$event['url'] = (string) $args['url'];
	}
	$sent = beckon_api_request( 'POST', beckon_site_path( '/staff-events' ), array( 'events' => array( $event ) ), array( 'timeout' => 3.0 ) );
	if ( is_wp_error( $sent ) ) {
		return $sent;
	}
	return array(
		'notified'  => (int) ( $sent['data']['notified'] ?? 0 ),
		'pushed'    => (int) ( $sent['data']['pushed'] ?? 0 ),
		'duplicate' => 1 === (int) ( $sent['data']['duplicates'] ?? 0 ),
	);
}

/**
 * Text cut to a number of characters (not bytes), with an ellipsis when cut.
 *
 * @param string $text  Text.
 * @param int    $limit Characters.
 * @return string Text that fits.
 */
function beckon_fit_text( string $text, int $limit ): string {
	$text = trim( wp_strip_all_tags( $text ) );
	if ( mb_strlen( $text ) <= $limit ) {
		return $text;
	}
	return rtrim( mb_substr( $text, 0, $limit - 1 ) ) . '…';
}

/**
 * A new comment held for moderation (not approved, not spam) alerts the staff.
 *
 * @param int        $comment_id Comment id.
 * @param int|string $approved   0 when held for moderation.
 * @return void
 */
function beckon_alert_pending_comment( int $comment_id, $approved ): void {
	if ( 0 !== $approved && '0' !== $approved ) {
		return;
	}
	$comment = get_comment( $comment_id );
	if ( ! $comment instanceof WP_Comment || ! beckon_is_connected() ) {
		return;
	}
	$post = get_post( (int) $comment->comment_post_ID );
	beckon_staff_alert(
		sprintf(
			/* translators: %s: post title */
			__( 'Comment awaiting moderation on “%s”', 'beckon-web-push' ),
			$post ? get_the_title( $post ) : ''
		),
		array(
			'kind' => 'comment.pending',
			'id'   => 'wp-' . get_current_blog_id() . '-comment-' . $comment_id,
			'body' => $comment->comment_author . ': ' . $comment->comment_content,
			'url'  => admin_url( 'edit-comments.php?comment_status=moderated' ),
		)
	);
}

/**
 * A new user account alerts the staff (its display name and a link to the profile; nothing else about them).
 *
 * @param int $user_id New user's id.
 * @return void
 */
function beckon_alert_new_user( int $user_id ): void {
	$user = get_userdata( $user_id );
	if ( ! $user instanceof WP_User || ! beckon_is_connected() ) {
		return;
	}
	beckon_staff_alert(
		sprintf(
			/* translators: %s: the new user's display name */
			__( 'New user: %s', 'beckon-web-push' ),
			$user->display_name
		),
		array(
			'kind' => 'user.registered',
			'id'   => 'wp-' . get_current_blog_id() . '-user-' . $user_id,
			'url'  => admin_url( 'user-edit.php?user_id=' . $user_id ),
		)
	);
}
