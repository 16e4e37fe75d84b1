/* Beckon admin: the progress bar of the notification just sent, polled until it is done. */
( function () {
	'use strict';
	var bar = document.querySelector( '.beckon-progress[data-notification]' );
	var config = window.beckonAdmin;
	if ( ! bar || ! config ) {
		return;
	}
	var fill = bar.querySelector( '.beckon-progress-track span' );
	var label = bar.querySelector( '.beckon-progress-label' );
	var started = Date.now();

	function show( percent, text ) {
		fill.style.width = Math.max( 0, Math.min( 100, percent ) ) + '%';
		bar.setAttribute( 'aria-valuenow', String( percent ) );
		label.textContent = text;
	}

	function poll() {
		var url =
			config.ajaxUrl +
			'?action=beckon_progress&nonce=' +
			encodeURIComponent( config.nonce ) +
			'&notification=' +
			encodeURIComponent( bar.getAttribute( 'data-notification' ) );
		fetch( url, { credentials: 'same-origin' } )
			.then( function ( response ) {
				return response.json();
			} )
			.then( function ( body ) {
				if ( ! body || ! body.success ) {
					throw new Error( ( body && body.data && body.data.message ) || 'error' );
				}
				show( body.data.percent, body.data.label );
				if ( body.data.status === 'done' ) {
					bar.classList.add( 'is-done' );
					return;
				}
				// Keep polling for 10 minutes at most; the recent list shows the final counts anyway.
				if ( Date.now() - started < 600000 ) {
					setTimeout( poll, 1000 );
				}
			} )
			.catch( function ( error ) {
				bar.classList.add( 'is-error' );
				label.textContent = error.message;
			} );
	}
	poll();
} )();
