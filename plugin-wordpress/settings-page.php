<?php
/**
 * The connect screen (Settings API): connection status with "Test connection", the credentials, what pushes
 * on publish, and the service-worker scope. Secret fields are never filled in: a stored secret is only said
 * to exist.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Registers the screen's sections and fields.
 *
 * @return void
 */
function beckon_register_settings_fields(): void {
	add_settings_section( 'beckon_connection', __( 'Connection', 'beckon-web-push' ), 'beckon_connection_intro', 'beckon-settings' );
	add_settings_field( 'beckon_url', __( 'Backend URL', 'beckon-web-push' ), 'beckon_field_url', 'beckon-settings', 'beckon_connection', array( 'label_for' => 'beckon_url' ) );
	add_settings_field( 'beckon_operator_token', __( 'Operator token', 'beckon-web-push' ), 'beckon_field_operator_token', 'beckon-settings', 'beckon_connection', array( 'label_for' => 'beckon_operator_token' ) );
	add_settings_field( 'beckon_site_id', __( 'Site id', 'beckon-web-push' ), 'beckon_field_site_id', 'beckon-settings', 'beckon_connection', array( 'label_for' => 'beckon_site_id' ) );
	add_settings_field( 'beckon_api_key', __( 'API key', 'beckon-web-push' ), 'beckon_field_secret', 'beckon-settings', 'beckon_connection', array( 'label_for' => 'beckon_api_key' ) );
	add_settings_field( 'beckon_identity_secret', __( 'Identity secret', 'beckon-web-push' ), 'beckon_field_secret', 'beckon-settings', 'beckon_connection', array( 'label_for' => 'beckon_identity_secret' ) );
	add_settings_section( 'beckon_publishing', __( 'Push on publish', 'beckon-web-push' ), '__return_false', 'beckon-settings' );
	add_settings_field( 'beckon_post_types', __( 'Send a notification for new', 'beckon-web-push' ), 'beckon_field_post_types', 'beckon-settings', 'beckon_publishing' );
	add_settings_field( 'beckon_categories', __( 'Categories readers can choose', 'beckon-web-push' ), 'beckon_field_categories', 'beckon-settings', 'beckon_publishing' );
	add_settings_field( 'beckon_notify_replies', __( 'Comment replies', 'beckon-web-push' ), 'beckon_field_replies', 'beckon-settings', 'beckon_publishing' );
	add_settings_section( 'beckon_front', __( 'Service worker', 'beckon-web-push' ), '__return_false', 'beckon-settings' );
	add_settings_field( 'beckon_scope', __( 'Scope', 'beckon-web-push' ), 'beckon_field_scope', 'beckon-settings', 'beckon_front' );
}

/**
 * Renders the settings page.
 *
 * @return void
 */
function beckon_render_settings_page(): void {
	beckon_guard( '', 'manage_options' );
	$settings = beckon_get_settings();
	echo '<div class="wrap beckon"><h1>' . esc_html__( 'Beckon settings', 'beckon-web-push' ) . '</h1>';
	beckon_print_notices();
	settings_errors();
	echo '<div class="beckon-panel beckon-status">';
	if ( beckon_is_connected() ) {
		/* translators: 1: site id, 2: backend URL */
		printf( '<p class="beckon-connected"><span class="dashicons dashicons-yes-alt"></span> %s</p>', esc_html( sprintf( __( 'Connected to site %1$s at %2$s.', 'beckon-web-push' ), $settings['site_id'], $settings['url'] ) ) );
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="beckon-inline-form">';
		wp_nonce_field( 'beckon_test_connection' );
		echo '<input type="hidden" name="action" value="beckon_test_connection" />';
		submit_button( __( 'Test connection', 'beckon-web-push' ), 'secondary', 'beckon_test', false );
		echo '</form> <form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="beckon-inline-form">';
		wp_nonce_field( 'beckon_rotate_identity' );
		echo '<input type="hidden" name="action" value="beckon_rotate_identity" />';
		submit_button( __( 'Create a new identity secret', 'beckon-web-push' ), 'secondary', 'beckon_rotate', false );
		echo '</form>';
	} else {
		echo '<p class="beckon-disconnected"><span class="dashicons dashicons-warning"></span> ' . esc_html__( 'Not connected. Enter the backend URL and either an operator token or the site id and API key.', 'beckon-web-push' ) . '</p>';
	}
	echo '</div><form method="post" action="options.php" class="beckon-settings-form">';
	settings_fields( 'beckon' );
	printf( '<input type="hidden" name="%s[form]" value="1" />', esc_attr( BECKON_OPTION ) );
	do_settings_sections( 'beckon-settings' );
	if ( beckon_is_connected() ) {
		printf( '<p><label><input type="checkbox" name="%s[disconnect]" value="1" /> %s</label></p>', esc_attr( BECKON_OPTION ), esc_html__( 'Disconnect (forget the site id and secrets)', 'beckon-web-push' ) );
	}
	submit_button( __( 'Save and connect', 'beckon-web-push' ) );
	echo '</form></div>';
}

/**
 * Explains the two ways to connect.
 *
 * @return void
 */
function beckon_connection_intro(): void {
	echo '<p>' . esc_html__( 'Paste the operator token of your Beckon backend and this site is created for you, or paste the site id and API key you were given. Secrets are stored, never shown again.', 'beckon-web-push' ) . '</p>';
}

/**
 * Name attribute of a setting.
 *
 * @param string $key Setting.
 * @return string Name.
 */
function beckon_field_name( string $key ): string {
	return BECKON_OPTION . '[' . $key . ']';
}

/**
 * Backend URL field.
 *
 * @return void
 */
function beckon_field_url(): void {
	printf( '<input type="url" id="beckon_url" name="%1$s" value="%2$s" class="regular-text code" placeholder="https://push.example.com" />', esc_attr( beckon_field_name( 'url' ) ), esc_attr( beckon_get_settings()['url'] ) );
}

/**
 * Operator token field (used once, never stored).
 *
 * @return void
 */
function beckon_field_operator_token(): void {
	printf( '<input type="password" id="beckon_operator_token" name="%s" value="" class="regular-text code" autocomplete="off" />', esc_attr( beckon_field_name( 'operator_token' ) ) );
	echo '<p class="description">' . esc_html__( 'Creates a Beckon site for this WordPress and stores its credentials. The token itself is not stored.', 'beckon-web-push' ) . '</p>';
}

/**
 * Site id field.
 *
 * @return void
 */
function beckon_field_site_id(): void {
	printf( '<input type="text" id="beckon_site_id" name="%1$s" value="%2$s" class="regular-text code" placeholder="site_…" />', esc_attr( beckon_field_name( 'site_id' ) ), esc_attr( beckon_get_settings()['site_id'] ) );
}

/**
 * A secret field: empty, with a note when a value is stored.
 *
 * @param array{label_for: string} $args Field args.
 * @return void
 */
function beckon_field_secret( array $args ): void {
	$key    = substr( $args['label_for'], strlen( 'beckon_' ) );
	$stored = '' !== beckon_get_settings()[ $key ];
	printf( '<input type="password" id="%1$s" name="%2$s" value="" class="regular-text code" autocomplete="new-password" />', esc_attr( $args['label_for'] ), esc_attr( beckon_field_name( $key ) ) );
	$note = $stored ? __( 'Stored. Leave empty to keep it.', 'beckon-web-push' ) : __( 'Not set.', 'beckon-web-push' );
	echo '<p class="description">' . esc_html( $note ) . '</p>';
}

/**
 * Post types that push on publish.
 *
 * @return void
 */
function beckon_field_post_types(): void {
	$chosen = (array) beckon_get_settings()['post_types'];
	foreach ( get_post_types( array( 'public' => true ), 'objects' ) as $type ) {
		if ( 'attachment' === $type->name ) {
			continue;
		}
		printf( '<label class="beckon-check"><input type="checkbox" name="%1$s[]" value="%2$s" %3$s /> %4$s</label>', esc_attr( beckon_field_name( 'post_types' ) ), esc_attr( $type->name ), checked( in_array( $type->name, $chosen, true ), true, false ), esc_html( $type->labels->name ) );
	}
	echo '<p class="description">' . esc_html__( 'Once per post, when it is first published: from the editor, on schedule, through the REST API, XML-RPC or an import. Updates never send again unless the editor asks for it.', 'beckon-web-push' ) . '</p>';
}

/**
 * Categories offered to readers (and used to target posts).
 *
 * @return void
 */
function beckon_field_categories(): void {
	$chosen = array_map( 'intval', (array) beckon_get_settings()['categories'] );
	$terms  = get_terms(
		array(
			'taxonomy'   => 'category',
			'hide_empty' => false,
			'number'     => 100,
		)
	);
	foreach ( is_array( $terms ) ? $terms : array() as $term ) {
		printf( '<label class="beckon-check"><input type="checkbox" name="%1$s[]" value="%2$d" %3$s /> %4$s</label>', esc_attr( beckon_field_name( 'categories' ) ), (int) $term->term_id, checked( in_array( (int) $term->term_id, $chosen, true ), true, false ), esc_html( $term->name ) );
	}
	echo '<p class="description">' . esc_html__( 'Readers pick from these when they subscribe; a post then goes to the readers of its categories. With none chosen, every post goes to everyone.', 'beckon-web-push' ) . '</p>';
}

/**
 * Comment reply notifications.
 *
 * @return void
 */
function beckon_field_replies(): void {
	printf( '<label><input type="checkbox" name="%1$s" value="1" %2$s /> %3$s</label>', esc_attr( beckon_field_name( 'notify_replies' ) ), checked( (bool) beckon_get_settings()['notify_replies'], true, false ), esc_html__( 'Notify logged-in commenters when someone replies to them', 'beckon-web-push' ) );
}

/**
 * Service-worker scope.
 *
 * @return void
 */
function beckon_field_scope(): void {
	$settings = beckon_get_settings();
	$choices  = array(
		'beckon' => __( 'Its own scope, /beckon/ (recommended: never conflicts with another service worker)', 'beckon-web-push' ),
		'root'   => __( 'The whole site', 'beckon-web-push' ),
		'custom' => __( 'A path of your choice:', 'beckon-web-push' ),
	);
	foreach ( $choices as $value => $label ) {
		printf( '<label class="beckon-radio"><input type="radio" name="%1$s" value="%2$s" %3$s /> %4$s</label>', esc_attr( beckon_field_name( 'scope' ) ), esc_attr( $value ), checked( $settings['scope'], $value, false ), esc_html( $label ) );
	}
	printf( '<input type="text" name="%1$s" value="%2$s" class="code beckon-scope-path" aria-label="%3$s" />', esc_attr( beckon_field_name( 'custom_scope' ) ), esc_attr( $settings['custom_scope'] ), esc_attr__( 'Service worker scope path', 'beckon-web-push' ) );
	/* translators: 1: service worker URL, 2: scope in use */
	echo '<p class="description">' . esc_html( sprintf( __( 'Service worker: %1$s, scope in use: %2$s. Push works in any scope.', 'beckon-web-push' ), beckon_service_worker_url(), beckon_scope() ) ) . '</p>';
	if ( 'root' === $settings['scope'] && beckon_pwa_detected() ) {
		echo '<p class="description beckon-warning">' . esc_html__( 'A PWA plugin registers its own service worker for the whole site: choose Beckon\'s own scope, or the two will keep replacing each other.', 'beckon-web-push' ) . '</p>';
	}
}
