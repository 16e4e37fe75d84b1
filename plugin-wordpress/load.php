<?php
/**
 * Plugin Name: Beckon Web Push
 * Description: Web push from your own Beckon backend: a polite subscribe prompt, one push for every new post, and the Beckon console in wp-admin for counts, sending and reports.
 * Requires at least: 6.1
 * Requires PHP: 7.4
 * Version: 0.1.0
 * Author: Beckon
 * License: MIT
 * License URI: https://opensource.org/licenses/MIT
 * Text Domain: beckon-web-push
 * Domain Path: /languages
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

// Two copies of the plugin (e.g. a renamed folder) must not both load.
if ( defined( 'BECKON_VERSION' ) ) {
	return;
}

define( 'BECKON_VERSION', '0.1.0' );
define( 'BECKON_PLUGIN_FILE', __FILE__ );
define( 'BECKON_OPTION', 'beckon_settings' );

require_once __DIR__ . '/helper.php';
require_once __DIR__ . '/identity.php';
require_once __DIR__ . '/settings.php';
require_once __DIR__ . '/api.php';
require_once __DIR__ . '/connect.php';
require_once __DIR__ . '/front.php';
require_once __DIR__ . '/publish.php';
require_once __DIR__ . '/replies.php';
require_once __DIR__ . '/commerce.php';
require_once __DIR__ . '/developer-api.php';
require_once __DIR__ . '/staff-alerts.php';
require_once __DIR__ . '/editor.php';
require_once __DIR__ . '/console-token.php';
require_once __DIR__ . '/admin-page.php';
require_once __DIR__ . '/settings-page.php';
require_once __DIR__ . '/admin-actions.php';
require_once __DIR__ . '/dashboard.php';
require_once __DIR__ . '/hooks.php';
