<?php
/**
 * Tests for admin-page.php: whatever a notification's title holds, the recent list prints it as text.
 *
 * @package Beckon
 */

/**
 * The overview page.
 */
class Beckon_Admin_Page_Test extends Beckon_Test_Case {

	public function test_recent_notifications_print_a_hostile_title_as_isolated_text(): void {
		$title = "<img src=x onerror=\"window.__pwned=1\"> \u{202E}evil</strong><script>alert(1)</script>";
		$sent  = $this->worker(
			'POST',
			'/notifications',
			array(
				'title'    => $title,
				'body'     => "<script>window.__pwned=1</script>\u{202E}",
				'audience' => array( 'subscriberIds' => array( 'sub_nobody' ) ),
			)
		);
		$this->assertSame( 202, $sent['status'], wp_json_encode( $sent['data'] ) );

		ob_start();
		beckon_render_recent();
		$html = (string) ob_get_clean();

		$dom = new DOMDocument();
		$this->assertTrue( $dom->loadHTML( '<meta charset="utf-8">' . $html, LIBXML_NOERROR ) );
		$xpath = new DOMXPath( $dom );
		$row   = $xpath->query( '//tr[@data-notification="' . $sent['data']['notificationId'] . '"]' );
		$this->assertSame( 1, $row->length, $html );
		$shown = $xpath->query( './/td[1]/strong', $row->item( 0 ) );
		$this->assertSame( 1, $shown->length );
		$this->assertSame( $title, $shown->item( 0 )->textContent );
		$this->assertSame( 'auto', $shown->item( 0 )->getAttribute( 'dir' ), 'the title is isolated' );
		$this->assertSame( 0, $xpath->query( '//img | //script' )->length );
		$this->assertStringContainsString( '&lt;img src=x', $html );
	}
}
