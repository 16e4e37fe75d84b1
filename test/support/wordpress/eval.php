<?php
/**
 * Runs PHP read from standard input inside the test WordPress (as user 1) and prints its return value as JSON.
 * Usage: echo 'return get_option("home");' | php eval.php <docroot>
 * Test support only: it lets the end-to-end tests read and arrange state the way a site owner's code would.
 *
 * @package Beckon
 */

require __DIR__ . '/cli-request.php';
require $argv[1] . '/wp-load.php';
wp_set_current_user( 1 );
$beckon_result = eval( stream_get_contents( STDIN ) ); // phpcs:ignore
echo wp_json_encode( $beckon_result ), "\n";
