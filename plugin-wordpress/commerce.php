<?php
/**
 * WooCommerce orders become purchases: a paid order of a signed-in customer is recorded on the backend as their
 * `purchase` event (total, currency, order id, items), idempotent by the order id, so Beckon campaigns count it as a
 * conversion and segments can use it. Guest orders name nobody Beckon knows and are not sent.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Records a WooCommerce order as its customer's purchase (hooked to payment complete and to the paid statuses; the
 * backend keeps one per order). A backend that cannot be reached is asked again by cron, up to three times.
 *
 * @param int|string $order_id Order id.
 * @param int        $attempt  Attempt number, from 1.
 */
function beckon_record_purchase( $order_id, int $attempt = 1 ): void {
	if ( ! function_exists( 'wc_get_order' ) || ! beckon_is_connected() ) {
		return;
	}
	$order = wc_get_order( $order_id );
	if ( ! $order || ! is_callable( array( $order, 'get_customer_id' ) ) ) {
		return;
	}
	$user_id = (int) $order->get_customer_id();
	if ( $user_id <= 0 ) {
		return;
	}
	$event = array(
		'name'       => 'purchase',
		// The same id the identity token carries (identity.php), so the order meets the customer's devices.
		'userId'     => (string) $user_id,
		'id'         => 'wc-order-' . (int) $order->get_id(),
		'properties' => array(
			'orderId'  => (string) $order->get_id(),
			'total'    => (float) $order->get_total(),
			'currency' => (string) $order->get_currency(),
			'items'    => count( $order->get_items() ),
		),
	);
	/**
	 * Filters the purchase event sent for a WooCommerce order (return null to send nothing).
	 *
	 * @param array<string, mixed>|null $event Event: name, userId, id, properties.
	 * @param object                    $order The WC_Order.
	 */
	$event = apply_filters( 'beckon_purchase_event', $event, $order );
	if ( ! is_array( $event ) ) {
		return;
	}
	$sent = beckon_api_request( 'POST', beckon_site_path( '/events' ), array( 'events' => array( $event ) ), array( 'timeout' => 3.0 ) );
	if ( is_wp_error( $sent ) ) {
		$data = $sent->get_error_data();
		if ( is_array( $data ) && ! empty( $data['retry'] ) && $attempt < 3 ) {
			wp_schedule_single_event( time() + 300 * $attempt, 'beckon_retry_purchase', array( (int) $order->get_id(), $attempt + 1 ) );
		}
	}
}

/**
 * Cron: records a purchase again after the backend could not be reached.
 *
 * @param int $order_id Order id.
 * @param int $attempt  Attempt number.
 */
function beckon_retry_purchase( int $order_id, int $attempt ): void {
	beckon_record_purchase( $order_id, $attempt );
}
