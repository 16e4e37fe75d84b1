import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium, headless, with every background service off: the machine has no internet, and Chromium's
 * attempts to reach Google's hosts would otherwise be refused by the dozen.
 */
export function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
		],
	});
}
