/** Browser and OS families from a User-Agent string, for the admin's "by browser" counts. */
export function parseUserAgent(ua: string): { browser: string; os: string } {
	const browser = /Edg(e|A|iOS)?\//.test(ua)
		? 'edge'
		: /OPR\/|Opera/.test(ua)
			? 'opera'
			: /SamsungBrowser\//.test(ua)
				? 'samsung'
				: /Firefox\/|FxiOS\//.test(ua)
					? 'firefox'
					: /Chrome\/|CriOS\/|Chromium\//.test(ua)
						? 'chrome'
						: /Safari\//.test(ua)
							? 'safari'
							: 'other';
	const os = /Android/.test(ua)
		? 'android'
		: /iPhone|iPad|iPod/.test(ua)
			? 'ios'
			: /Windows/.test(ua)
				? 'windows'
				: /Mac OS X|Macintosh/.test(ua)
					? 'macos'
					: /CrOS/.test(ua)
						? 'chromeos'
						: /Linux/.test(ua)
							? 'linux'
							: 'other';
	return { browser, os };
}
