// The inspector page: plain HTML, CSS and browser JavaScript in src/inspector/page/, served from memory
// (works offline). The build turns those files into page.generated.ts (scripts/build-page.mjs).
export { PAGE_CSS, PAGE_HTML, PAGE_JS } from './page.generated.js';
