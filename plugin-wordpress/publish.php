<?php
/**
 * Push on publish, once per post. A post is noted when its status becomes `publish` by any route (editor,
 * REST, XML-RPC, schedule, import: all pass through transition_post_status) and sent on wp_after_insert_post,
 * when its terms and meta from the same request are saved (the block editor writes meta after the status).
 * Sending is the backend's "New posts" automation (a broadcast, created when the plugin connects): the plugin
 * records a `post_published` site event carrying the post's message, and the backend answers with the
 * notification it sent. Sent posts carry `_beckon_notification_id`; the event id makes a race harmless too.
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
	$sent  = beckon_announce_post( $post, $key, 'publish' === $reason ? (string) $post->ID : $post->ID . '-again-' . ( $sends + 1 ) );
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
 * Hands a post to the backend's "New posts" automation: a `post_published` site event with the post's message and
 * its readers' categories. A filter-chosen audience other than everyone or categories (a segment, users) cannot be
 * said by the event, so that post is sent directly, as before the automation.
 *
 * @param WP_Post $post    Post.
 * @param string  $key     Event id (and idempotency key): the same key never sends twice.
 * @param string  $send_id The automation's journey key: the post id, or `<id>-again-<n>` for a send again.
 * @return array{notificationId: string, duplicate: bool}|WP_Error Result.
 */
function beckon_announce_post( WP_Post $post, string $key, string $send_id ) {
	$message  = beckon_post_message( $post );
	$audience = beckon_post_audience( $post );
	$keys     = array_keys( $audience );
	if ( array( 'all' ) !== $keys && array( 'categories' ) !== $keys ) {
		return beckon_send_notification( $message, $audience, $key );
	}
	$automation = beckon_posts_automation();
	if ( is_wp_error( $automation ) ) {
		return $automation;
	}
	$properties = array(
		'send_id'    => $send_id,
		'post_id'    => (string) $post->ID,
		'post_type'  => $post->post_type,
		'categories' => isset( $audience['categories'] ) ? implode( ',', array_map( 'strval', (array) $audience['categories'] ) ) : '',
	);
	foreach ( array( 'title', 'body', 'url', 'icon', 'image' ) as $field ) {
		$properties[ $field ] = isset( $message[ $field ] ) && is_scalar( $message[ $field ] ) ? (string) $message[ $field ] : '';
	}
	// An event holds 2 KB of properties: the pictures go first (the site's icon stands in), then the text shrinks.
	foreach ( array( 'icon', 'image' ) as $field ) {
		if ( strlen( (string) wp_json_encode( $properties ) ) > 2000 ) {
			$properties[ $field ] = '';
		}
	}
	$size = strlen( (string) wp_json_encode( $properties ) );
	while ( $size > 2000 && '' !== $properties['body'] ) {
		$limit              = (int) ( mb_strlen( $properties['body'] ) * 0.8 );
		$properties['body'] = $limit < 2 ? '' : beckon_plain_text( $properties['body'], $limit );
		$size               = strlen( (string) wp_json_encode( $properties ) );
	}
	$event    = array(
		'site'       => true,
		'name'       => 'post_published',
		'id'         => $key,
		'properties' => $properties,
	);
	$recorded = beckon_api_request( 'POST', beckon_site_path( '/events' ), array( 'events' => array( $event ) ) );
	if ( is_wp_error( $recorded ) ) {
		return $recorded;
	}
	foreach ( (array) ( $recorded['data']['notifications'] ?? array() ) as $made ) {
		if ( is_array( $made ) && ( $made['eventId'] ?? '' ) === $key && ( $made['automationId'] ?? '' ) === $automation ) {
			return array(
				'notificationId' => (string) $made['notificationId'],
				'duplicate'      => ! empty( $recorded['data']['duplicates'] ),
			);
		}
	}
	return new WP_Error( 'beckon_automation_off', __( 'Beckon\'s "New posts" automation sent nothing: it is turned off, deleted, or waits before sending. See Beckon → Automations.', 'beckon-web-push' ) );
}

/**
 * The id of the backend's "New posts" automation for this connection: remembered, else found by its template on
 * the site, else made by the backend from its template and turned on. One deleted in the console stays deleted (until the
 * plugin connects to another site).
 *
 * @return string|WP_Error Automation id.
 */
function beckon_posts_automation() {
	$settings   = beckon_get_settings();
	$connection = md5( $settings['url'] . '|' . $settings['site_id'] );
	$known      = get_option( 'beckon_posts_automation' );
	if ( is_array( $known ) && ( $known['for'] ?? '' ) === $connection && '' !== (string) ( $known['id'] ?? '' ) ) {
		return (string) $known['id'];
	}
	$list = beckon_api_request( 'GET', beckon_site_path( '/automations' ) );
	if ( is_wp_error( $list ) ) {
		return $list;
	}
	$id = '';
	foreach ( (array) ( $list['data']['automations'] ?? array() ) as $automation ) {
		if ( is_array( $automation ) && 'new_posts' === ( $automation['template'] ?? '' ) ) {
			$id = (string) $automation['automationId'];
			break;
		}
	}
	if ( '' === $id ) {
		// The backend makes it from its own template: the same definition on every host.
		$created = beckon_api_request(
			'POST',
			beckon_site_path( '/automations' ),
			array(
				'template' => 'new_posts',
				'name'     => __( 'New posts', 'beckon-web-push' ),
				'enabled'  => true,
			),
			array( 'timeout' => 10 )
		);
		if ( is_wp_error( $created ) ) {
			return $created;
		}
		$id = (string) ( $created['data']['automationId'] ?? '' );
	}
	update_option(
		'beckon_posts_automation',
		array(
			'for' => $connection,
			'id'  => $id,
		),
		false
	);
	return $id;
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
