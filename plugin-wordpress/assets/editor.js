/* Beckon: the "Push notification" panel of the block editor. Plain script, no build step. */
( function ( wp ) {
	'use strict';
	if ( ! wp || ! wp.plugins || ! wp.editPost ) {
		return;
	}
	var el = wp.element.createElement;
	var __ = wp.i18n.__;
	var ToggleControl = wp.components.ToggleControl;
	var useSelect = wp.data.useSelect;
	var useDispatch = wp.data.useDispatch;

	function PushPanel() {
		var state = useSelect( function ( select ) {
			var editor = select( 'core/editor' );
			return {
				meta: editor.getEditedPostAttribute( 'meta' ) || {},
				published: editor.getCurrentPostAttribute( 'status' ) === 'publish',
				push: editor.getCurrentPostAttribute( 'beckon_push' ) || {},
			};
		}, [] );
		var editPost = useDispatch( 'core/editor' ).editPost;
		var setMeta = function ( key, value ) {
			var meta = {};
			meta[ key ] = value;
			editPost( { meta: meta } );
		};
		var children = [];
		if ( state.push.connected === false ) {
			children.push( el( 'p', { key: 'off' }, __( 'Beckon is not connected: nothing is sent.', 'beckon-web-push' ) ) );
		} else if ( ! state.published ) {
			children.push(
				el( ToggleControl, {
					key: 'send',
					label: __( 'Send a push notification when published', 'beckon-web-push' ),
					checked: ! state.meta.beckon_skip,
					onChange: function ( on ) {
						setMeta( 'beckon_skip', ! on );
					},
				} )
			);
		} else {
			children.push(
				el(
					'p',
					{ key: 'status' },
					state.push.sentAt
						? __( 'A push notification was sent for this post.', 'beckon-web-push' ) + ' (' + state.push.notificationId + ')'
						: __( 'No push notification was sent for this post.', 'beckon-web-push' )
				)
			);
			// Sending again reaches every subscriber: only for users who may send notifications.
			if ( state.push.canSendAgain ) {
				children.push(
					el( ToggleControl, {
						key: 'again',
						label: __( 'Send it (again) when I update', 'beckon-web-push' ),
						checked: !! state.meta.beckon_send_again,
						onChange: function ( on ) {
							setMeta( 'beckon_send_again', on );
						},
					} )
				);
			}
		}
		if ( state.push.error ) {
			children.push( el( 'p', { key: 'error', className: 'beckon-error' }, state.push.error ) );
		}
		return el(
			wp.editPost.PluginDocumentSettingPanel,
			{ name: 'beckon-push', title: __( 'Push notification', 'beckon-web-push' ), icon: 'megaphone' },
			children
		);
	}

	wp.plugins.registerPlugin( 'beckon-push', { render: PushPanel, icon: 'megaphone' } );
} )( window.wp );
