<?php
/**
 * Every translation call names the plugin's text domain (`beckon`) as its last argument, as a literal, so the
 * strings can be extracted and loaded (the intent of WordPress.WP.I18n).
 *
 * @package Beckon
 */

namespace Beckon\Sniffs\I18n;

use PHP_CodeSniffer\Files\File;
use PHP_CodeSniffer\Sniffs\Sniff;

/**
 * Beckon.I18n.TextDomain
 */
class TextDomainSniff implements Sniff {

	/**
	 * Translation functions and their argument count including the domain.
	 *
	 * @var array<string, int>
	 */
	private const FUNCTIONS = array(
		'__'           => 2,
		'_e'           => 2,
		'_x'           => 3,
		'_n'           => 4,
		'_nx'          => 5,
		'esc_html__'   => 2,
		'esc_html_e'   => 2,
		'esc_html_x'   => 3,
		'esc_attr__'   => 2,
		'esc_attr_e'   => 2,
		'esc_attr_x'   => 3,
	);

	/**
	 * Tokens to look at.
	 *
	 * @return array<int, int|string> Tokens.
	 */
	public function register() {
		return array( T_STRING );
	}

	/**
	 * Checks one call.
	 *
	 * @param File $file  File.
	 * @param int  $index Token index.
	 * @return void
	 */
	public function process( File $file, $index ) {
		$tokens = $file->getTokens();
		$name   = strtolower( $tokens[ $index ]['content'] );
		$before = $file->findPrevious( T_WHITESPACE, $index - 1, null, true );
		$open   = $file->findNext( T_WHITESPACE, $index + 1, null, true );
		if ( ! isset( self::FUNCTIONS[ $name ] ) || false === $open || T_OPEN_PARENTHESIS !== $tokens[ $open ]['code'] || in_array( $tokens[ $before ]['code'], array( T_OBJECT_OPERATOR, T_DOUBLE_COLON, T_FUNCTION ), true ) ) {
			return;
		}
		$close  = $tokens[ $open ]['parenthesis_closer'];
		$commas = array();
		for ( $i = $open + 1; $i < $close; $i++ ) {
			if ( isset( $tokens[ $i ]['parenthesis_closer'] ) && $tokens[ $i ]['parenthesis_closer'] > $i ) {
				$i = $tokens[ $i ]['parenthesis_closer'];
			} elseif ( T_COMMA === $tokens[ $i ]['code'] ) {
				$commas[] = $i;
			}
		}
		if ( count( $commas ) + 1 !== self::FUNCTIONS[ $name ] ) {
			$file->addError( '%s() needs the text domain \'beckon\' as its last argument', $index, 'Missing', array( $name ) );
			return;
		}
		$domain = $file->findNext( T_WHITESPACE, end( $commas ) + 1, $close, true );
		if ( false === $domain || "'beckon'" !== $tokens[ $domain ]['content'] || $file->findNext( T_WHITESPACE, $domain + 1, $close, true ) !== false ) {
			$file->addError( 'The text domain of %s() must be the literal \'beckon\'', $index, 'Wrong', array( $name ) );
		}
	}
}
