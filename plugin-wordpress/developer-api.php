<?php
/**
 * The developer API: any plugin (shop, forms, memberships) feeds Beckon events that start automations, and sends
 * pushes, through two functions. Both return a WP_Error (with the backend's reason) instead of throwing, so a caller
 * can ignore a failure without breaking its own request. For example
 * `beckon_track( 'course_started', array( 'course' => 'Oak joinery' ), $user_id )` starts the automations triggered
 * by `course_started`, and `beckon_send( array( 'title' => 'Your course starts tomorrow' ), $user_id )` pushes now.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Records an event of a WordPress user on the backend (the same user id the identity token carries, so it meets
 * the user's subscribed browsers): automations triggered by it start, segments and campaign goals count it.
 *
 * @param string               $event      Event name: a letter, then letters, digits, `_ . : -` (at most 64).
 * @param array<string, mixed> $properties Up to 20 properties: strings, numbers or booleans (2 KB of JSON in all).
 * @param int|null             $user_id    WordPress user id; default the current user.
 * @param array<string, mixed> $options    Keys: id (an event id: the same id is counted once), time (ISO 8601).
 * @return array{accepted: int, duplicates: int}|WP_Error What the backend counted, or why not.
 */
function beckon_track( string $event, array $properties = array(), ?int $user_id = null, array $options = array() ) {
	$user_id = null === $user_id ? get_current_user_id() : $user_id;
	if ( $user_id <= 0 ) {
		return new WP_Error( 'beckon_no_user', __( 'beckon_track() needs a user: pass a user id, or call it while a user is logged in.', 'beckon-web-push' ) );
	}
	$body = array(
		'name'   => $event,
		'userId' => (string) $user_id,
	);
	if ( array() !== $properties ) {
		$body['properties'] = $properties;
	}
	foreach ( array( 'id', 'time' ) as $key ) {
		if ( isset( $options[ $key ] ) && '' !== (string) $options[ $key ] ) {
			$body[ $key ] = (string) $options[ $key ];
		}
	}
	$sent = beckon_api_request( 'POST', beckon_site_path( '/events' ), array( 'events' => array( $body ) ), array( 'timeout' => 3.0 ) );
	if ( is_wp_error( $sent ) ) {
		return $sent;
	}
	return array(
		'accepted'   => (int) ( $sent['data']['accepted'] ?? 0 ),
		'duplicates' => (int) ( $sent['data']['duplicates'] ?? 0 ),
	);
}

/**
 * Sends a push now.
 *
 * @param array<string, mixed> $message Keys: title (required), body, url, icon, image, actions, tag, ttl, urgency;
 *                                      or resource (a saved message's id) with any of those as overrides.
 * @param mixed                $to      Who: a user id or a list of them (every browser they subscribed while logged
 *                                      in); null or 'all' for every subscriber; or an audience as the API takes it,
 *                                      such as array( 'categories' => array( 'news' ) ).
 * @param array<string, mixed> $options Keys: idempotency_key (the same key never sends twice).
 * @return array{notificationId: string, duplicate: bool}|WP_Error The notification, or why not.
 */
function beckon_send( array $message, $to = null, array $options = array() ) {
	if ( null === $to || 'all' === $to ) {
		$audience = array( 'all' => true );
	} elseif ( is_int( $to ) ) {
		$audience = array( 'userIds' => array( (string) $to ) );
	} elseif ( is_array( $to ) && array() !== $to && array_keys( $to ) === range( 0, count( $to ) - 1 ) ) {
		$audience = array( 'userIds' => array_map( 'strval', $to ) );
	} elseif ( is_array( $to ) && array() !== $to ) {
		$audience = $to;
	} else {
		return new WP_Error( 'beckon_bad_audience', __( 'beckon_send(): $to must be a user id, a list of user ids, null or "all", or an audience array.', 'beckon-web-push' ) );
	}
	$body = array_merge( $message, array( 'audience' => $audience ) );
	$key  = isset( $options['idempotency_key'] ) ? (string) $options['idempotency_key'] : '';
	$sent = beckon_api_request( 'POST', beckon_site_path( '/notifications' ), $body, array( 'idempotency_key' => $key ) );
	if ( is_wp_error( $sent ) ) {
		return $sent;
	}
	return array(
		'notificationId' => (string) ( $sent['data']['notificationId'] ?? '' ),
		'duplicate'      => ! empty( $sent['data']['duplicate'] ),
	);
}
