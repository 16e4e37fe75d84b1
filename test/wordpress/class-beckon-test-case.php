<?php
/**
 * Base test case: each test runs in a database transaction that is rolled back (the technique of WordPress's
 * own test suite), and every HTTP call the plugin makes to the real Beckon worker is recorded.
 *
 * @package Beckon
 */

use PHPUnit\Framework\TestCase;

/**
 * Shared set-up for the plugin's tests.
 */
abstract class Beckon_Test_Case extends TestCase {

	/**
	 * Requests the plugin made during the current test: method, url, path, headers, body (decoded), status.
	 *
	 * @var array<int, array<string, mixed>>
	 */
	protected static $calls = array();

	/**
	 * The connected settings made by {@see connect()}.
	 *
	 * @var array<string, mixed>
	 */
	protected static $connected = array();

	/**
	 * Creates a site on the local worker through the plugin's operator-token path and stores it.
	 */
	public static function connect(): void {
		update_option(
			'beckon_settings',
			array(
				'url'            => getenv( 'BECKON_URL' ),
				'operator_token' => getenv( 'BECKON_ADMIN_TOKEN' ),
			)
		);
		self::$connected = beckon_get_settings();
		if ( ! beckon_is_connected() ) {
			fwrite( STDERR, 'could not connect: ' . wp_json_encode( get_settings_errors() ) . "\n" );
			exit( 2 );
		}
		add_action( 'http_api_debug', array( self::class, 'record' ), 10, 5 );
	}

	/**
	 * Records one HTTP call (hooked to http_api_debug).
	 *
	 * @param array|WP_Error $response Response.
	 * @param string         $context  Always 'response'.
	 * @param string         $class    Transport.
	 * @param array          $args     Request arguments.
	 * @param string         $url      URL.
	 */
	public static function record( $response, $context, $class, $args, $url ): void {
		self::$calls[] = array(
			'method'  => $args['method'],
			'url'     => $url,
			'path'    => (string) wp_parse_url( $url, PHP_URL_PATH ),
			'headers' => $args['headers'],
			'body'    => isset( $args['body'] ) && is_string( $args['body'] ) ? json_decode( $args['body'], true ) : null,
			'status'  => is_wp_error( $response ) ? 0 : wp_remote_retrieve_response_code( $response ),
		);
	}

	/**
	 * Starts the transaction; the plugin is connected and has no categories.
	 */
	protected function setUp(): void {
		global $wpdb;
		parent::setUp();
		$wpdb->query( 'SET autocommit = 0' );
		$wpdb->query( 'START TRANSACTION' );
		wp_cache_flush();
		self::$calls = array();
		beckon_pending_posts( 'drain' );
		wp_set_current_user( 1 );
	}

	/**
	 * Rolls everything back.
	 */
	protected function tearDown(): void {
		global $wpdb;
		beckon_pending_posts( 'drain' );
		$wpdb->query( 'ROLLBACK' );
		wp_cache_flush();
		$GLOBALS['wp_settings_errors'] = array();
		wp_set_current_user( 0 );
		parent::tearDown();
	}

	/**
	 * Calls to an API path suffix (e.g. `/notifications`) with a method.
	 *
	 * @param string $method HTTP method.
	 * @param string $suffix Path suffix after /v1/sites/<id>.
	 * @return array<int, array<string, mixed>> Calls.
	 */
	protected function calls_to( string $method, string $suffix ): array {
		$path = '/v1/sites/' . self::$connected['site_id'] . $suffix;
		return array_values(
			array_filter(
				self::$calls,
				static function ( array $call ) use ( $method, $path ): bool {
					return $call['method'] === $method && $call['path'] === $path;
				}
			)
		);
	}

	/**
	 * The notification POSTs made so far.
	 *
	 * @return array<int, array<string, mixed>> Calls.
	 */
	protected function sends(): array {
		$sends = $this->calls_to( 'POST', '/notifications' );
		// A post goes out through the "New posts" automation: its site event, read as the send it asks for.
		foreach ( $this->calls_to( 'POST', '/events' ) as $call ) {
			$event = $call['body']['events'][0] ?? array();
			if ( empty( $event['site'] ) || 'post_published' !== $event['name'] ) {
				continue;
			}
			$p                = $event['properties'];
			$call['headers']  = array( 'Idempotency-Key' => $event['id'] );
			$call['body']     = array_filter( array_intersect_key( $p, array_flip( array( 'title', 'body', 'url', 'icon', 'image' ) ) ) );
			$call['body']    += array(
				'audience' => '' === $p['categories'] ? array( 'all' => true ) : array( 'categories' => explode( ',', $p['categories'] ) ),
			);
			$call['event']    = $event;
			$sends[]          = $call;
		}
		return $sends;
	}

	/**
	 * Notification requests whose idempotency key contains a string.
	 *
	 * @param string $needle Such as `-post-12-` or `-comment-`.
	 * @return array<int, array<string, mixed>> Calls.
	 */
	protected function sends_keyed( string $needle ): array {
		return array_values(
			array_filter(
				$this->sends(),
				static function ( array $call ) use ( $needle ): bool {
					return false !== strpos( (string) $call['headers']['Idempotency-Key'], $needle );
				}
			)
		);
	}

	/**
	 * Notification requests made for one post.
	 *
	 * @param int $post_id Post id.
	 * @return array<int, array<string, mixed>> Calls.
	 */
	protected function sends_for( int $post_id ): array {
		return $this->sends_keyed( '-post-' . $post_id . '-' );
	}

	/**
	 * Updates a post twice, the way editors do after publishing.
	 *
	 * @param int $post_id Post id.
	 */
	protected function edit_twice( int $post_id ): void {
		wp_update_post(
			array(
				'ID'         => $post_id,
				'post_title' => 'Edited title',
			)
		);
		wp_update_post(
			array(
				'ID'           => $post_id,
				'post_content' => 'Edited content',
				'post_status'  => 'publish',
			)
		);
	}

	/**
	 * Creates a post.
	 *
	 * @param array<string, mixed> $fields Post fields.
	 * @return int Post id.
	 */
	protected function post( array $fields = array() ): int {
		$id = wp_insert_post(
			array_merge(
				array(
					'post_title'   => 'Post ' . wp_generate_password( 6, false ),
					'post_content' => 'Some content for the excerpt.',
					'post_status'  => 'draft',
					'post_author'  => 1,
				),
				$fields
			),
			true
		);
		$this->assertIsInt( $id );
		return $id;
	}

	/**
	 * Calls the worker directly (as a site admin).
	 *
	 * @param string                    $method Method.
	 * @param string                    $suffix Path suffix after /v1/sites/<id>.
	 * @param array<string, mixed>|null $body   JSON body.
	 * @param bool                      $admin  Send the API key.
	 * @return array{status: int, data: mixed} Response.
	 */
	protected function worker( string $method, string $suffix, ?array $body = null, bool $admin = true ): array {
		$args     = array(
			'method'  => $method,
			'timeout' => 5,
			'headers' => array( 'Content-Type' => 'application/json' ),
		);
		if ( $admin ) {
			$args['headers']['Authorization'] = 'Bearer ' . self::$connected['api_key'];
		}
		if ( null !== $body ) {
			$args['body'] = wp_json_encode( $body );
		}
		remove_action( 'http_api_debug', array( self::class, 'record' ), 10 );
		$response = wp_remote_request( self::$connected['url'] . '/v1/sites/' . self::$connected['site_id'] . $suffix, $args );
		add_action( 'http_api_debug', array( self::class, 'record' ), 10, 5 );
		$this->assertNotWPError( $response );
		return array(
			'status' => wp_remote_retrieve_response_code( $response ),
			'data'   => json_decode( wp_remote_retrieve_body( $response ), true ),
		);
	}

	/**
	 * The claims of an identity token (its first part, base64url-encoded JSON).
	 *
	 * @param string $token Token.
	 * @return mixed Claims.
	 */
	protected function token_claims( string $token ) {
		return json_decode( (string) base64_decode( strtr( explode( '.', $token )[0], '-_', '+/' ), true ), true );
	}

	/**
	 * Ties a new subscriber of the real worker to the user of an identity token, as the widget does.
	 *
	 * @param string $token Identity token.
	 * @return array{status: int, data: mixed} The worker's answer.
	 */
	protected function identify( string $token ): array {
		$subscriber = $this->worker( 'POST', '/subscribers', array( 'permission' => 'default' ), false );
		$this->assertSame( 201, $subscriber['status'] );
		return $this->worker( 'POST', '/subscribers/' . $subscriber['data']['subscriberId'] . '/identify', array( 'token' => $token ), false );
	}

	/**
	 * Creates a user with a role.
	 *
	 * @param string $role Such as 'editor' or 'subscriber'.
	 * @return int User id.
	 */
	protected function user( string $role ): int {
		$id = wp_insert_user(
			array(
				'user_login'   => $role . wp_generate_password( 6, false ),
				'user_pass'    => wp_generate_password(),
				'user_email'   => $role . wp_generate_password( 6, false ) . '@example.com',
				'display_name' => ucfirst( $role ) . ' Example',
				'role'         => $role,
			)
		);
		$this->assertIsInt( $id );
		return $id;
	}

	/**
	 * Calls the worker with a console token as the console does (the site API routes accept it as a bearer).
	 *
	 * @param string $token  Console token.
	 * @param string $suffix Path suffix after /v1/sites/<id>.
	 * @return int HTTP status.
	 */
	protected function with_console_token( string $token, string $suffix ): int {
		remove_action( 'http_api_debug', array( self::class, 'record' ), 10 );
		$response = wp_remote_get(
			self::$connected['url'] . '/v1/sites/' . self::$connected['site_id'] . $suffix,
			array(
				'timeout' => 5,
				'headers' => array( 'Authorization' => 'Bearer ' . $token ),
			)
		);
		add_action( 'http_api_debug', array( self::class, 'record' ), 10, 5 );
		$this->assertNotWPError( $response );
		return (int) wp_remote_retrieve_response_code( $response );
	}

	/**
	 * Asserts a value is not a WP_Error (and shows its message when it is).
	 *
	 * @param mixed $value Value.
	 */
	protected function assertNotWPError( $value ): void {
		$this->assertFalse( is_wp_error( $value ), is_wp_error( $value ) ? $value->get_error_message() : '' );
	}
}
