<?php
/**
 * Everything echoed, printed or printf'ed is a literal, a number, or passes through an escaping function
 * (the intent of WordPress.Security.EscapeOutput, for the subset of PHP the plugin writes).
 *
 * @package Beckon
 */

namespace Beckon\Sniffs\Security;

use PHP_CodeSniffer\Files\File;
use PHP_CodeSniffer\Sniffs\Sniff;

/**
 * Beckon.Security.EscapeOutput
 */
class EscapeOutputSniff implements Sniff {

	/**
	 * Functions whose result is safe to print.
	 *
	 * @var string[]
	 */
	private const SAFE = array(
		'esc_html',
		'esc_attr',
		'esc_url',
		'esc_js',
		'esc_textarea',
		'esc_xml',
		'esc_html__',
		'esc_attr__',
		'esc_html_x',
		'esc_attr_x',
		'wp_kses',
		'wp_kses_post',
		'wp_kses_data',
		'absint',
		'intval',
		'checked',
		'selected',
		'disabled',
	);

	/**
	 * Tokens to look at.
	 *
	 * @return array<int, int|string> Tokens.
	 */
	public function register() {
		return array( T_ECHO, T_PRINT, T_STRING );
	}

	/**
	 * Checks one output statement or printf call.
	 *
	 * @param File $file  File.
	 * @param int  $index Token index.
	 * @return void
	 */
	public function process( File $file, $index ) {
		$tokens = $file->getTokens();
		if ( T_STRING !== $tokens[ $index ]['code'] ) {
			$end = $file->findNext( array( T_SEMICOLON, T_CLOSE_TAG ), $index + 1 );
			$this->check_parts( $file, $index + 1, false === $end ? $index : $end - 1, array( T_STRING_CONCAT, T_COMMA ) );
			return;
		}
		if ( ! in_array( strtolower( $tokens[ $index ]['content'] ), array( 'printf', 'vprintf' ), true ) ) {
			return;
		}
		$before = $file->findPrevious( T_WHITESPACE, $index - 1, null, true );
		$open   = $file->findNext( T_WHITESPACE, $index + 1, null, true );
		if ( false === $open || T_OPEN_PARENTHESIS !== $tokens[ $open ]['code'] || in_array( $tokens[ $before ]['code'], array( T_OBJECT_OPERATOR, T_DOUBLE_COLON, T_FUNCTION ), true ) ) {
			return;
		}
		$args = $this->split( $file, $open + 1, $tokens[ $open ]['parenthesis_closer'] - 1, array( T_COMMA ) );
		$format = array_shift( $args );
		if ( null !== $format && ( $format[0] !== $format[1] || T_CONSTANT_ENCAPSED_STRING !== $tokens[ $format[0] ]['code'] ) ) {
			$file->addError( 'The format of printf() must be a string literal', $format[0], 'Format' );
		}
		foreach ( $args as $arg ) {
			$this->check_parts( $file, $arg[0], $arg[1], array( T_STRING_CONCAT ) );
		}
	}

	/**
	 * Checks every part of an expression split at the given operators.
	 *
	 * @param File                   $file   File.
	 * @param int                    $start  First token.
	 * @param int                    $end    Last token.
	 * @param array<int, int|string> $splits Operators.
	 * @return void
	 */
	private function check_parts( File $file, int $start, int $end, array $splits ): void {
		$tokens = $file->getTokens();
		foreach ( $this->split( $file, $start, $end, $splits ) as list( $first, $last ) ) {
			if ( ! $this->safe( $file, $first, $last ) ) {
				$file->addError( 'Output must be escaped; found "%s"', $first, 'Unescaped', array( trim( $file->getTokensAsString( $first, $last - $first + 1 ) ) ) );
			}
		}
	}

	/**
	 * Whether one operand is safe to print.
	 *
	 * @param File $file  File.
	 * @param int  $first First token.
	 * @param int  $last  Last token.
	 * @return bool Safe.
	 */
	private function safe( File $file, int $first, int $last ): bool {
		$tokens = $file->getTokens();
		$code   = $tokens[ $first ]['code'];
		if ( $first === $last ) {
			return in_array( $code, array( T_CONSTANT_ENCAPSED_STRING, T_LNUMBER, T_DNUMBER ), true )
				|| ( T_STRING === $code && strtoupper( $tokens[ $first ]['content'] ) === $tokens[ $first ]['content'] );
		}
		if ( in_array( $code, array( T_INT_CAST, T_DOUBLE_CAST, T_BOOL_CAST ), true ) ) {
			return true;
		}
		if ( T_STRING !== $code || ! in_array( strtolower( $tokens[ $first ]['content'] ), self::SAFE, true ) ) {
			return false;
		}
		$open = $file->findNext( T_WHITESPACE, $first + 1, null, true );
		return false !== $open && T_OPEN_PARENTHESIS === $tokens[ $open ]['code'] && $tokens[ $open ]['parenthesis_closer'] === $last;
	}

	/**
	 * Splits tokens at top-level operators into [first, last] ranges without whitespace and comments.
	 *
	 * @param File                   $file   File.
	 * @param int                    $start  First token.
	 * @param int                    $end    Last token.
	 * @param array<int, int|string> $splits Operators.
	 * @return array<int, array{0: int, 1: int}> Ranges.
	 */
	private function split( File $file, int $start, int $end, array $splits ): array {
		$tokens = $file->getTokens();
		$skip   = array( T_WHITESPACE, T_COMMENT, T_DOC_COMMENT, T_PHPCS_IGNORE );
		$open   = array( T_OPEN_PARENTHESIS, T_OPEN_SQUARE_BRACKET, T_OPEN_SHORT_ARRAY, T_OPEN_CURLY_BRACKET );
		$close  = array( T_CLOSE_PARENTHESIS, T_CLOSE_SQUARE_BRACKET, T_CLOSE_SHORT_ARRAY, T_CLOSE_CURLY_BRACKET );
		$parts  = array();
		$depth  = 0;
		$first  = null;
		$last   = null;
		for ( $i = $start; $i <= $end; $i++ ) {
			$code = $tokens[ $i ]['code'];
			if ( 0 === $depth && in_array( $code, $splits, true ) ) {
				if ( null !== $first ) {
					$parts[] = array( $first, $last );
				}
				$first = null;
				continue;
			}
			$depth += in_array( $code, $open, true ) ? 1 : ( in_array( $code, $close, true ) ? -1 : 0 );
			if ( ! in_array( $code, $skip, true ) ) {
				$first = null === $first ? $i : $first;
				$last  = $i;
			}
		}
		if ( null !== $first ) {
			$parts[] = array( $first, $last );
		}
		return $parts;
	}
}
