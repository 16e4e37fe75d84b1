/** An error's name and message with any URL replaced, so push endpoints (bearer capabilities) never reach logs. */
export function describeError(error: unknown): string {
	if (!(error instanceof Error)) return 'non-error thrown';
	return `${error.name}: ${error.message.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')}`;
}
