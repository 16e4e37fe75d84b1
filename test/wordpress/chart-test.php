<?php
/**
 * Tests for chart.php: the growth chart is well-formed SVG that survives wp_kses unchanged.
 *
 * @package Beckon
 */

/**
 * Growth chart.
 */
class Beckon_Chart_Test extends Beckon_Test_Case {

	/**
	 * Thirty days of growth.
	 *
	 * @param int[] $added   Added per day (padded with zeros).
	 * @param int[] $removed Removed per day.
	 * @return array<int, array<string, mixed>> Days.
	 */
	private function days( array $added, array $removed = array() ): array {
		$days = array();
		for ( $i = 0; $i < 30; $i++ ) {
			$days[] = array(
				'day'     => gmdate( 'Y-m-d', strtotime( '2026-01-01 +' . $i . ' days' ) ),
				'added'   => $added[ $i ] ?? 0,
				'removed' => $removed[ $i ] ?? 0,
			);
		}
		return $days;
	}

	public function test_draws_one_bar_per_day_and_a_readable_label(): void {
		$svg = beckon_growth_chart_svg( $this->days( array( 3, 0, 5 ), array( 0, 2 ) ) );
		$this->assertSame( 30, substr_count( $svg, 'fill="#2271b1"' ) );
		$this->assertSame( 1, substr_count( $svg, 'fill="#d63638"' ) );
		$this->assertStringContainsString( 'aria-label="Last 30 days: 8 new subscribers, 2 lost"', $svg );
		$this->assertStringContainsString( '>net +6<', $svg );
		$this->assertStringContainsString( '>Jan 1<', $svg );
		$this->assertStringContainsString( '>Jan 30<', $svg );
		$this->assertNotFalse( simplexml_load_string( $svg ), 'well-formed XML' );
	}

	public function test_survives_wp_kses_and_handles_no_data(): void {
		$svg = beckon_growth_chart_svg( $this->days( array( 1, 2, 3 ), array( 1 ) ) );
		// WordPress 7 lowercases attribute names (viewBox → viewbox), which HTML parsers restore for SVG; nothing
		// else may change.
		$this->assertSame( strtolower( $svg ), strtolower( wp_kses( $svg, beckon_svg_allowed_html() ) ) );
		$empty = beckon_growth_chart_svg( array() );
		$this->assertNotFalse( simplexml_load_string( $empty ) );
		$this->assertStringNotContainsString( 'NAN', strtoupper( $empty ) );
	}

	public function test_escapes_what_it_prints(): void {
		$days          = $this->days( array( 1 ) );
		$days[0]['day'] = '<script>alert(1)</script>';
		$svg           = beckon_growth_chart_svg( $days );
		$this->assertStringNotContainsString( '<script>', $svg );
		$this->assertNotFalse( simplexml_load_string( $svg ) );
	}
}
