<?php
/**
 * Tests for commerce.php: a paid WooCommerce order of a signed-in customer becomes their purchase event on the
 * real worker, once per order; guest orders send nothing. WooCommerce itself is not installable here (neither npm
 * nor Debian carries it): its order API is stood in for by the smallest class that answers the calls commerce.php
 * makes (get_id, get_customer_id, get_total, get_currency, get_items) through `wc_get_order`.
 *
 * @package Beckon
 */

if ( ! function_exists( 'wc_get_order' ) ) {
	/**
	 * Stand-in for WooCommerce's order lookup (tests only).
	 *
	 * @param int|string $id Order id.
	 * @return Beckon_Test_Order|false Order.
	 */
	function wc_get_order( $id ) {
		return Beckon_Test_Order::$orders[ (int) $id ] ?? false;
	}
}

/**
 * The part of WC_Order that commerce.php reads.
 */
class Beckon_Test_Order {
	/**
	 * Orders by id.
	 *
	 * @var array<int, Beckon_Test_Order>
	 */
	public static $orders = array();

	/**
	 * Id.
	 *
	 * @var int
	 */
	private $id;

	/**
	 * Customer.
	 *
	 * @var int
	 */
	private $customer;

	/**
	 * Total.
	 *
	 * @var string
	 */
	private $total;

	/**
	 * Items.
	 *
	 * @var int
	 */
	private $items;

	/**
	 * Makes and registers an order.
	 *
	 * @param int    $id       Order id.
	 * @param int    $customer Customer (WordPress user) id, 0 for a guest.
	 * @param string $total    Total.
	 * @param int    $items    Number of line items.
	 */
	public function __construct( int $id, int $customer, string $total, int $items ) {
		$this->id       = $id;
		$this->customer = $customer;
		$this->total    = $total;
		$this->items    = $items;
		self::$orders[ $id ] = $this;
	}

	/** Order id. */
	public function get_id(): int {
		return $this->id;
	}

	/** Customer id. */
	public function get_customer_id(): int {
		return $this->customer;
	}

	/** Total as WooCommerce gives it (a string). */
	public function get_total(): string {
		return $this->total;
	}

	/** Currency. */
	public function get_currency(): string {
		return 'EUR';
	}

	/**
	 * Line items.
	 *
	 * @return array<int, int> Items.
	 */
	public function get_items(): array {
		return range( 1, $this->items );
	}
}

/**
 * WooCommerce purchases.
 */
class Beckon_Commerce_Test extends Beckon_Test_Case {

	public function test_a_paid_order_becomes_the_customers_purchase_once(): void {
		$user  = self::factory_user( 'buyer' );
		$order = new Beckon_Test_Order( 9001 + wp_rand( 0, 100000 ), $user, '59.90', 3 );
		do_action( 'woocommerce_payment_complete', $order->get_id() );
		do_action( 'woocommerce_order_status_completed', $order->get_id() );
		$calls = $this->calls_to( 'POST', '/events' );
		$this->assertCount( 2, $calls );
		$this->assertSame( 202, $calls[0]['status'] );
		$this->assertSame(
			array(
				'events' => array(
					array(
						'name'       => 'purchase',
						'userId'     => (string) $user,
						'id'         => 'wc-order-' . $order->get_id(),
						'properties' => array(
							'orderId'  => (string) $order->get_id(),
							'total'    => 59.9,
							'currency' => 'EUR',
							'items'    => 3,
						),
					),
				),
			),
			$calls[0]['body']
		);
		// The worker keeps it once: its user has one purchase.
		$read = beckon_api_request( 'GET', beckon_site_path( '/users/' . $user ) );
		$this->assertIsArray( $read );
		$purchases = array_values(
			array_filter(
				$read['data']['events'],
				static function ( array $e ): bool {
					return 'purchase' === $e['name'];
				}
			)
		);
		$this->assertCount( 1, $purchases );
		$this->assertSame( 59.9, $purchases[0]['properties']['total'] );
	}

	public function test_guest_orders_and_a_filter_returning_null_send_nothing(): void {
		$guest = new Beckon_Test_Order( 8001 + wp_rand( 0, 100000 ), 0, '10.00', 1 );
		do_action( 'woocommerce_payment_complete', $guest->get_id() );
		$user  = self::factory_user( 'quiet' );
		$order = new Beckon_Test_Order( 7001 + wp_rand( 0, 100000 ), $user, '10.00', 1 );
		add_filter( 'beckon_purchase_event', '__return_null' );
		do_action( 'woocommerce_payment_complete', $order->get_id() );
		remove_filter( 'beckon_purchase_event', '__return_null' );
		$this->assertCount( 0, $this->calls_to( 'POST', '/events' ) );
	}

	/**
	 * A user for the test.
	 *
	 * @param string $name Login prefix.
	 * @return int User id.
	 */
	private static function factory_user( string $name ): int {
		return (int) wp_insert_user(
			array(
				'user_login' => $name . wp_rand( 1000, 999999 ),
				'user_pass'  => wp_generate_password(),
				'role'       => 'subscriber',
			)
		);
	}
}
