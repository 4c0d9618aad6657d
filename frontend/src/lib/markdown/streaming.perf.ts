// A benchmark, not a test: run by `make bench` (vitest.perf.config.ts). It
// prints how long the last 40 tokens of a long answer take to render, with
// streaming rendering (only the open block) and naively (the whole answer per
// token), and the ratio. It asserts nothing.
import { it } from 'vitest';
import { StreamingMarkdown } from './streaming';
import { renderMarkdown } from './md';
import { loadAll } from './lazy.svelte';

const block = (i: number) =>
  i % 4 === 0
    ? `\`\`\`go\nfunc f${i}() int { return ${i} }\n\`\`\`\n\n`
    : i % 4 === 1
      ? `| a | b |\n|---|---|\n| ${i} | ${i * 2} |\n\n`
      : `Paragraph ${i} with **bold**, \`code\` and a [link](https://example.com/${i}).\n\n`;

function timeTokens(blocks: number) {
  const answer = Array.from({ length: blocks }, (_, i) => block(i)).join('');
  // The last 41 prefixes, 6 characters apart: about one token each.
  const prefixes = Array.from({ length: 41 }, (_, i) => answer.slice(0, answer.length - 6 * (40 - i)));
  const md = new StreamingMarkdown();
  md.update(prefixes[0]);
  let t = performance.now();
  for (const p of prefixes.slice(1)) md.update(p);
  const streaming = (performance.now() - t) / 40;
  t = performance.now();
  for (const p of prefixes.slice(1)) renderMarkdown(p);
  const naive = (performance.now() - t) / 40;
  return { streaming, naive };
}

it('per-token render cost as the answer grows', async () => {
  await loadAll(); // measure with highlighting, as after first use in the app
  timeTokens(20); // warm up
  const rows = [25, 50, 100, 200].map((blocks) => ({ blocks, ...timeTokens(blocks) }));
  for (const r of rows) {
    console.log(
      `${String(r.blocks).padStart(4)} blocks: streaming ${r.streaming.toFixed(2)} ms/token, ` +
        `naive ${r.naive.toFixed(2)} ms/token, ${(r.naive / r.streaming).toFixed(0)}× less work`,
    );
  }
});
