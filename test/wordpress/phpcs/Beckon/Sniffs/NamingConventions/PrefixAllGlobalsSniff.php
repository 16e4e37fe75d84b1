<?php
/**
 * Every global function, class, constant, global variable and custom hook of the plugin carries its prefix
 * (`beckon_`, `Beckon_`, `BECKON_`), so nothing clashes with WordPress, themes or other plugins.
 *
 * @package Beckon
 */

namespace Beckon\Sniffs\NamingConventions;

use PHP_CodeSniffer\Files\File;
use PHP_CodeSniffer\Sniffs\Sniff;

/**
 * Beckon.NamingConventions.PrefixAllGlobals
 */
class PrefixAllGlobalsSniff implements Sniff {

	/**
	 * Functions whose first argument names a hook or a constant.
	 *
	 * @var array<string, string>
	 */
	private const NAMING_CALLS = array(
		'define'                  => 'BECKON_',
		'do_action'               => 'beckon_',
		'do_action_ref_array'     => 'beckon_',
		'apply_filters'           => 'beckon_',
		'apply_filters_ref_array' => 'beckon_',
	);

	/**
	 * Tokens to look at.
	 *
	 * @return array<int, int|string> Tokens.
	 */
	public function register() {
		return array( T_FUNCTION, T_CLASS, T_INTERFACE, T_TRAIT, T_CONST, T_STRING, T_VARIABLE );
	}

	/**
	 * Checks one token.
	 *
	 * @param File $file  File.
	 * @param int  $index Token index.
	 * @return void
	 */
	public function process( File $file, $index ) {
		$tokens = $file->getTokens();
		$token  = $tokens[ $index ];
		$global = empty( $token['conditions'] );
		switch ( $token['code'] ) {
			case T_FUNCTION:
				if ( ! $file->hasCondition( $index, array( T_CLASS, T_INTERFACE, T_TRAIT, T_ANON_CLASS ) ) ) {
					$this->expect( $file, $index, 'function', (string) $file->getDeclarationName( $index ), 'beckon_' );
				}
				return;
			case T_CLASS:
			case T_INTERFACE:
			case T_TRAIT:
				$this->expect( $file, $index, 'class', (string) $file->getDeclarationName( $index ), 'Beckon_' );
				return;
			case T_CONST:
				$name = $file->findNext( T_STRING, $index + 1 );
				if ( $global && false !== $name ) {
					$this->expect( $file, $name, 'constant', $tokens[ $name ]['content'], 'BECKON_' );
				}
				return;
			case T_VARIABLE:
				$this->process_variable( $file, $index, $global );
				return;
		}
		$this->process_call( $file, $index );
	}

	/**
	 * A global variable assigned at file scope.
	 *
	 * @param File $file   File.
	 * @param int  $index  Token index.
	 * @param bool $global At file scope.
	 * @return void
	 */
	private function process_variable( File $file, int $index, bool $global ): void {
		$tokens = $file->getTokens();
		$name   = ltrim( $tokens[ $index ]['content'], '$' );
		if ( ! $global || ! empty( $tokens[ $index ]['nested_parenthesis'] ) || in_array( $name, array( 'GLOBALS', '_SERVER', '_GET', '_POST', '_ENV', 'this' ), true ) ) {
			return;
		}
		$next = $file->findNext( T_WHITESPACE, $index + 1, null, true );
		if ( false !== $next && T_EQUAL === $tokens[ $next ]['code'] ) {
			$this->expect( $file, $index, 'global variable', $name, 'beckon_' );
		}
	}

	/**
	 * `define()` and custom hooks.
	 *
	 * @param File $file  File.
	 * @param int  $index Token index.
	 * @return void
	 */
	private function process_call( File $file, int $index ): void {
		$tokens = $file->getTokens();
		$name   = strtolower( $tokens[ $index ]['content'] );
		if ( ! isset( self::NAMING_CALLS[ $name ] ) ) {
			return;
		}
		$before = $file->findPrevious( T_WHITESPACE, $index - 1, null, true );
		$open   = $file->findNext( T_WHITESPACE, $index + 1, null, true );
		if ( false === $open || T_OPEN_PARENTHESIS !== $tokens[ $open ]['code'] || in_array( $tokens[ $before ]['code'], array( T_OBJECT_OPERATOR, T_DOUBLE_COLON, T_FUNCTION ), true ) ) {
			return;
		}
		$first = $file->findNext( T_WHITESPACE, $open + 1, null, true );
		if ( false !== $first && T_CONSTANT_ENCAPSED_STRING === $tokens[ $first ]['code'] ) {
			$kind = 'define' === $name ? 'constant' : 'hook';
			$this->expect( $file, $first, $kind, trim( $tokens[ $first ]['content'], '\'"' ), self::NAMING_CALLS[ $name ] );
		}
	}

	/**
	 * Reports a name without the prefix.
	 *
	 * @param File   $file   File.
	 * @param int    $index  Token index.
	 * @param string $kind   What is named.
	 * @param string $name   Name.
	 * @param string $prefix Prefix.
	 * @return void
	 */
	private function expect( File $file, int $index, string $kind, string $name, string $prefix ): void {
		if ( 0 !== strpos( $name, $prefix ) ) {
			$file->addError( 'The %s "%s" must start with the plugin prefix "%s"', $index, 'Missing', array( $kind, $name, $prefix ) );
		}
	}
}
