<?php
/**
 * The 30-day growth chart as inline SVG (no script, no CDN): new subscribers above the axis, lost ones below.
 *
 * @package Beckon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Builds the chart. Every number is cast and every text escaped, and the result is still passed through
 * wp_kses with {@see beckon_svg_allowed_html()} when printed.
 *
 * @param array<int, array{day: string, added: int, removed: int}> $daily Oldest first.
 * @return string SVG markup.
 */
function beckon_growth_chart_svg( array $daily ): string {
	$width   = 640;
	$height  = 180;
	$left    = 36;
	$top     = 12;
	$bottom  = 24;
	$count   = max( 1, count( $daily ) );
	$added   = array_map( 'intval', array_column( $daily, 'added' ) );
	$removed = array_map( 'intval', array_column( $daily, 'removed' ) );
	$max_up  = max( 1, $added ? max( $added ) : 0 );
	$max_dn  = $removed ? max( $removed ) : 0;
	$plot    = $height - $top - $bottom;
	// The axis sits lower when nothing was lost, so growth uses the whole height.
	$axis  = $top + ( 0 === $max_dn ? $plot : (int) round( $plot * 0.75 ) );
	$up_px = $axis - $top;
	$dn_px = $top + $plot - $axis;
	$slot  = ( $width - $left - 8 ) / $count;
	$bar   = max( 2.0, $slot * 0.7 );
	$total = array_sum( $added ) - array_sum( $removed );
	/* translators: 1: subscribers added, 2: subscribers removed */
	$label = sprintf( __( 'Last 30 days: %1$d new subscribers, %2$d lost', 'beckon-web-push' ), array_sum( $added ), array_sum( $removed ) );

	$svg  = sprintf( '<svg xmlns="http://www.w3.org/2000/svg" class="beckon-chart" viewBox="0 0 %d %d" role="img" aria-label="%s">', $width, $height, esc_attr( $label ) );
	$svg .= '<title>' . esc_html( $label ) . '</title>';
	$svg .= sprintf( '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#c3c4c7" stroke-width="1" />', $left, $axis, $width - 4, $axis );
	$svg .= sprintf( '<text x="%d" y="%d" font-size="11" fill="#646970" text-anchor="end">%d</text>', $left - 6, $top + 9, $max_up );
	$svg .= sprintf( '<text x="%d" y="%d" font-size="11" fill="#646970" text-anchor="end">0</text>', $left - 6, $axis + 4 );
	foreach ( array_values( $daily ) as $i => $day ) {
		$x  = $left + $i * $slot + ( $slot - $bar ) / 2;
		$up = (int) $day['added'] > 0 ? max( 1.0, $up_px * (int) $day['added'] / $max_up ) : 0;
		$dn = $max_dn > 0 && (int) $day['removed'] > 0 ? max( 1.0, $dn_px * (int) $day['removed'] / $max_dn ) : 0;
		/* translators: 1: day, 2: added, 3: removed */
		$tip  = sprintf( __( '%1$s: +%2$d, −%3$d', 'beckon-web-push' ), (string) $day['day'], (int) $day['added'], (int) $day['removed'] );
		$svg .= '<g><title>' . esc_html( $tip ) . '</title>';
		$svg .= sprintf( '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="1.5" fill="#2271b1" />', $x, $axis - $up, $bar, $up );
		if ( $dn > 0 ) {
			$svg .= sprintf( '<rect x="%.1f" y="%d" width="%.1f" height="%.1f" rx="1.5" fill="#d63638" />', $x, $axis, $bar, $dn );
		}
		$svg .= '</g>';
	}
	if ( $daily ) {
		$first = reset( $daily );
		$last  = end( $daily );
		$svg  .= sprintf( '<text x="%d" y="%d" font-size="11" fill="#646970">%s</text>', $left, $height - 6, esc_html( beckon_chart_day( (string) $first['day'] ) ) );
		$svg  .= sprintf( '<text x="%d" y="%d" font-size="11" fill="#646970" text-anchor="end">%s</text>', $width - 4, $height - 6, esc_html( beckon_chart_day( (string) $last['day'] ) ) );
	}
	/* translators: %s: net change such as +12 */
	$net  = sprintf( __( 'net %s', 'beckon-web-push' ), ( $total >= 0 ? '+' : '−' ) . abs( $total ) );
	$svg .= sprintf( '<text x="%d" y="%d" font-size="11" fill="#1d2327" text-anchor="middle">%s</text>', (int) ( $width / 2 ), $height - 6, esc_html( $net ) );
	return $svg . '</svg>';
}

/**
 * A `YYYY-MM-DD` day in the site's date format.
 *
 * @param string $day Day.
 * @return string Formatted day.
 */
function beckon_chart_day( string $day ): string {
	$time = strtotime( $day . ' 00:00:00 UTC' );
	return false === $time ? $day : wp_date( 'M j', $time, new DateTimeZone( 'UTC' ) );
}

/**
 * The elements and attributes the chart uses, for wp_kses.
 *
 * @return array<string, array<string, bool>> Allowed HTML.
 */
function beckon_svg_allowed_html(): array {
	$shape = array(
		'x'            => true,
		'y'            => true,
		'width'        => true,
		'height'       => true,
		'rx'           => true,
		'fill'         => true,
		'x1'           => true,
		'y1'           => true,
		'x2'           => true,
		'y2'           => true,
		'stroke'       => true,
		'stroke-width' => true,
		'font-size'    => true,
		'text-anchor'  => true,
	);
	return array(
		'svg'   => array(
			'xmlns'      => true,
			'class'      => true,
			'viewbox'    => true,
			'role'       => true,
			'aria-label' => true,
		),
		'title' => array(),
		'g'     => array(),
		'rect'  => $shape,
		'line'  => $shape,
		'text'  => $shape,
	);
}
