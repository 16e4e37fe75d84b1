<?php
/**
 * Router for `php -S`: serves real files as they are and sends everything else to WordPress's front
 * controller, like the rewrite rules of Apache or nginx would (pretty permalinks, /beckon-sw.js).
 *
 * @package Beckon
 */

$beckon_path = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );
$beckon_file = $_SERVER['DOCUMENT_ROOT'] . $beckon_path;

if ( false === strpos( $beckon_path, '..' ) && ( is_file( $beckon_file ) || is_file( rtrim( $beckon_file, '/' ) . '/index.php' ) ) ) {
	return false;
}

$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
chdir( $_SERVER['DOCUMENT_ROOT'] );
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
