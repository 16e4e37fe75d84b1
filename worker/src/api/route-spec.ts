import type * as z from 'zod';

// The shape of one documented route. The registry (routes.ts) lists them; openapi.ts turns them into paths.

/** How a caller proves who it is; a route lists the ways it accepts (any one will do). */
export type Auth = 'operatorToken' | 'siteApiKey' | 'consoleToken' | 'shopifySessionToken' | 'none';

/** Error statuses a route documents; each answers the `{error:{code,message}}` envelope. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503;

/** One answer of a route: JSON described by `schema`, another media type, or no body. */
export interface Answer {
	description: string;
	schema?: z.ZodType;
	/** Media type of a non-JSON body (its schema is a string). */
	mediaType?: string;
	headers?: Record<string, string>;
}

/** A route as the OpenAPI document describes it. */
export interface RouteSpec {
	method: 'get' | 'post' | 'put' | 'patch' | 'delete';
	/** OpenAPI style: `/v1/sites/{siteId}`. */
	path: string;
	operationId: string;
	summary: string;
	description?: string;
	tag: string;
	auth: readonly Auth[];
	query?: z.ZodObject;
	body?: z.ZodType;
	/** Media type of a non-JSON request body (its schema is a string); instead of `body`. */
	bodyMediaType?: string;
	/** The body may be left out (an empty body reads as `{}`). */
	bodyOptional?: boolean;
	/** Documented request headers (name → description). */
	headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
	responses: Partial<Record<200 | 201 | 202 | 204, Answer>>;
	errors: readonly ErrorStatus[];
}
