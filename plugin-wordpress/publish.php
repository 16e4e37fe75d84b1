<?php
/**
 * Push on publish, once per post. A post is noted when its status becomes `publish` by any route (editor,
 * REST, XML-RPC, schedule, import: all pass through transition_post_status) and sent on wp_after_insert_post,
 * when its terms and meta from the same request are saved (the block editor writes meta after the status).
 * Sent posts carry `_beckon_notification_id`; the backend's idempotency key makes a race harmless too.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The post types that push on publish.
 *
 * @return string[] Post types.
 */
function beckon_push_post_types(): array {
	return (array) apply_filters( 'beckon_push_post_types', (array) beckon_get_settings()['post_types'] );
}

/**
 * Posts that became published during this request and wait for their terms and meta.
 *
 * @param string $op      One of add, take (returns whether it was pending and forgets it) or drain.
 * @param int    $post_id Post id.
 * @return int[] Post ids.
 */
function beckon_pending_posts( string $op, int $post_id = 0 ): array {
	static $pending = array();
	if ( 'add' === $op ) {
		$pending[ $post_id ] = true;
	} elseif ( 'take' === $op ) {
		$was = isset( $pending[ $post_id ] );
		unset( $pending[ $post_id ] );
		return $was ? array( $post_id ) : array();
	} elseif ( 'drain' === $op ) {
		$ids     = array_keys( $pending );
		$pending = array();
		return $ids;
	}
	return array_keys( $pending );
}

/**
 * Notes a post that has just become published.
 *
 * @param string  $new_status New status.
 * @param string  $old_status Old status.
 * @param WP_Post $post       Post.
 * @return void
 */
function beckon_note_publish( string $new_status, string $old_status, $post ): void {
	if ( 'publish' !== $new_status || 'publish' === $old_status || ! $post instanceof WP_Post ) {
		return;
	}
	if ( wp_is_post_revision( $post ) || wp_is_post_autosave( $post ) || ! in_array( $post->post_type, beckon_push_post_types(), true ) ) {
		return;
	}
	beckon_pending_posts( 'add', (int) $post->ID );
}

/**
 * Sends for a post noted in this request, or again when its editor asked for it.
 *
 * @param int     $post_id Post id.
 * @param WP_Post $post    Post.
 * @return void
 */
function beckon_after_insert_post( int $post_id, $post ): void {
	if ( ! $post instanceof WP_Post ) {
		return;
	}
	$again = get_post_meta( $post_id, 'beckon_send_again', true );
	if ( $again ) {
		delete_post_meta( $post_id, 'beckon_send_again' );
	}
	if ( beckon_pending_posts( 'take', $post_id ) ) {
		beckon_push_post( $post, 'publish' );
	} elseif ( $again && 'publish' === $post->post_status && in_array( $post->post_type, beckon_push_post_types(), true ) ) {
		beckon_push_post( $post, 'again' );
	}
}

/**
 * Sends for posts published by code that changed the status without wp_after_insert_post.
 *
 * @return void
 */
function beckon_flush_pending_posts(): void {
	foreach ( beckon_pending_posts( 'drain' ) as $post_id ) {
		$post = get_post( $post_id );
		if ( $post instanceof WP_Post && 'publish' === $post->post_status ) {
			beckon_push_post( $post, 'publish' );
		}
	}
}

/**
 * Why a post is not sent on publish, or '' when it is.
 *
 * @param WP_Post $post Post.
 * @return string Reason.
 */
function beckon_publish_skip_reason( WP_Post $post ): string {
	if ( ! beckon_is_connected() ) {
		return 'not_connected';
	}
	if ( get_post_meta( $post->ID, '_beckon_notification_id', true ) ) {
		return 'already_sent';
	}
	if ( get_post_meta( $post->ID, 'beckon_skip', true ) ) {
		return 'skipped';
	}
	if ( '' !== $post->post_password ) {
		return 'password';
	}
	// Imported or back-dated content is not news: never blast an archive at subscribers.
	$max_age = (int) apply_filters( 'beckon_publish_max_age', DAY_IN_SECONDS, $post );
	$date    = strtotime( $post->post_date_gmt . ' UTC' );
	if ( '0000-00-00 00:00:00' !== $post->post_date_gmt && false !== $date && $date < time() - $max_age ) {
		return 'too_old';
	}
	return (string) apply_filters( 'beckon_publish_skip_reason', '', $post );
}

/**
 * Sends the notification for a post and records the outcome on it.
 *
 * @param WP_Post $post    Post.
 * @param string  $reason  Either publish (first time, once) or again (asked for by the editor).
 * @param int     $attempt Attempt number, from 1; failed attempts that may succeed later are retried by cron.
 * @return array{notificationId: string, duplicate: bool}|WP_Error|null Result, null when skipped.
 */
function beckon_push_post( WP_Post $post, string $reason, int $attempt = 1 ) {
	if ( 'publish' === $reason && '' !== beckon_publish_skip_reason( $post ) ) {
		return null;
	}
	if ( 'again' === $reason && ! beckon_is_connected() ) {
		return null;
	}
	$sends = (int) get_post_meta( $post->ID, '_beckon_sends', true );
	$key   = sprintf( 'wp-%d-post-%d-%s', get_current_blog_id(), $post->ID, 'publish' === $reason ? 'publish' : 'again-' . ( $sends + 1 ) );
	$sent  = beckon_send_notification( beckon_post_message( $post ), beckon_post_audience( $post ), $key );
	if ( is_wp_error( $sent ) ) {
		update_post_meta( $post->ID, '_beckon_error', $sent->get_error_message() );
		$data = $sent->get_error_data();
		if ( is_array( $data ) && ! empty( $data['retry'] ) && $attempt < 3 ) {
			wp_schedule_single_event( time() + 120 * $attempt, 'beckon_retry_push', array( $post->ID, $reason, $attempt + 1 ) );
		}
		/* translators: 1: post title, 2: error message */
		beckon_add_notice( 'error', sprintf( __( 'The push notification for "%1$s" was not sent: %2$s', 'beckon-web-push' ), beckon_plain_text( $post->post_title, 80 ), $sent->get_error_message() ) );
		return $sent;
	}
	update_post_meta( $post->ID, '_beckon_notification_id', $sent['notificationId'] );
	update_post_meta( $post->ID, '_beckon_sent_at', time() );
	update_post_meta( $post->ID, '_beckon_sends', $sends + 1 );
	delete_post_meta( $post->ID, '_beckon_error' );
	do_action( 'beckon_post_pushed', $post, $sent, $reason );
	return $sent;
}

/**
 * Cron retry of a send that failed for a reason that may pass (backend down, rate limited).
 *
 * @param int    $post_id Post id.
 * @param string $reason  Either publish or again.
 * @param int    $attempt Attempt number.
 * @return void
 */
function beckon_retry_push( int $post_id, string $reason, int $attempt ): void {
	$post = get_post( $post_id );
	if ( $post instanceof WP_Post && 'publish' === $post->post_status ) {
		beckon_push_post( $post, $reason, $attempt );
	}
}

/**
 * The notification for a post: its title, excerpt, link, featured image and the site icon.
 *
 * @param WP_Post $post Post.
 * @return array<string, string> Message.
 */
function beckon_post_message( WP_Post $post ): array {
	$excerpt = '' !== $post->post_excerpt ? $post->post_excerpt : wp_trim_words( strip_shortcodes( $post->post_content ), 30, '…' );
	$message = array(
		'title' => beckon_plain_text( get_the_title( $post ), 120 ),
		'body'  => beckon_plain_text( $excerpt, 240 ),
		'url'   => (string) get_permalink( $post ),
		'icon'  => beckon_image_url( beckon_site_icon_url() ),
		'image' => beckon_image_url( (string) get_the_post_thumbnail_url( $post, 'large' ) ),
	);
	if ( '' === $message['title'] ) {
		$message['title'] = beckon_plain_text( (string) get_bloginfo( 'name' ), 120 );
	}
	// Empty fields (no featured image, no icon) are dropped by beckon_send_notification().
	return (array) apply_filters( 'beckon_post_message', $message, $post );
}

/**
 * Who gets a post: readers of its categories when readers choose categories, else everyone.
 *
 * @param WP_Post $post Post.
 * @return array<string, mixed> Audience.
 */
function beckon_post_audience( WP_Post $post ): array {
	$offered  = array_map( 'intval', (array) beckon_get_settings()['categories'] );
	$terms    = 'post' === $post->post_type ? wp_get_post_categories( $post->ID ) : array();
	$matching = array_values( array_intersect( $offered, array_map( 'intval', is_array( $terms ) ? $terms : array() ) ) );
	$audience = array() === $matching ? array( 'all' => true ) : array(
		'categories' => array_map( 'beckon_category_key', $matching ),
	);
	return (array) apply_filters( 'beckon_post_audience', $audience, $post );
}
