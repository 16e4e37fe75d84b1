// Vite's `?raw` imports: a file's text (test/worker/api/openapi.test.ts reads the routers' source).
declare module '*?raw' {
	const text: string;
	export default text;
}
