export { renderMarkdown } from './md';
export { StreamingMarkdown, type Block, type UpdateOptions } from './streaming';
export { sanitize, SAFE_URL } from './sanitize';
export { default as Markdown } from './Markdown.svelte';
