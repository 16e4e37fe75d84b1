<?php
/**
 * Plugin Name: Beckon test environment
 * Description: Keeps the test WordPress offline: no mail is sent.
 *
 * @package Beckon
 */

add_filter( 'pre_wp_mail', '__return_true' );
