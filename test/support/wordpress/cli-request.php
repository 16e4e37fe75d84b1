<?php
/**
 * The request WordPress expects to find when it is loaded from the command line, where no web server sets
 * one: shared by eval.php, install.php and the PHPUnit bootstrap (test/wordpress/bootstrap.php).
 *
 * @package Beckon
 */

$_SERVER['HTTP_HOST']       = '127.0.0.1';
$_SERVER['SERVER_NAME']     = '127.0.0.1';
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';
