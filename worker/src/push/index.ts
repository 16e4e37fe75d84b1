export { decodeBase64Url, encodeBase64Url } from './base64url';
export {
	BACKOFF_BASE_MS,
	BACKOFF_CAP_MS,
	backoffMs,
	classifyError,
	classifyResponse,
	type PushOutcome,
	parseRetryAfter,
} from './classify';
export { BODY_OVERHEAD, type EncryptOptions, encryptPayload, MAX_PLAINTEXT, RECORD_SIZE } from './ece';
export {
	buildPushRequest,
	type PushOptions,
	type PushRequest,
	PushRequestError,
	type PushTarget,
	type Urgency,
	validateSubscriptionKeys,
} from './request';
export {
	generateVapidKeys,
	importVapidPrivateKey,
	VapidError,
	type VapidKeys,
	VapidSigner,
	type VapidSignerOptions,
	validateVapidSubject,
} from './vapid';
