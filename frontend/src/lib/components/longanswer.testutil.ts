// A long Markdown answer like a model writes one: paragraphs, lists, code
// blocks, a table and some math, cut into ~4-character tokens. Used by the
// streaming benchmark and the streaming tests.

const SECTION = (i: number) =>
  [
    `## Part ${i}: rivers and their ${i % 2 ? 'deltas' : 'sources'}\n\n`,
    `A river carries water, **sediment** and *nutrients* from its source to the sea. In part ${i} we look at ` +
      `how the flow rate $Q = A \\cdot v$ changes along the way, and why \`discharge\` peaks in spring. ` +
      `See [the survey](https://example.com/rivers/${i}) for the raw numbers.\n\n`,
    `- the upper course is steep and fast\n- the middle course **meanders**\n- the lower course is wide and slow\n` +
      `  - with a floodplain\n  - and often a delta\n\n`,
    '```python\n' +
      `def discharge_${i}(area, velocity):\n    """Cubic metres per second."""\n    return area * velocity\n\n` +
      `print(discharge_${i}(${12 + i}.5, 1.${i}))\n` +
      '```\n\n',
    `| River | Length (km) | Mouth |\n|---|---:|---|\n| Danube | 2850 | Black Sea |\n| Rhine | 1230 | North Sea |\n| Part ${i} | ${100 * i} | Delta |\n\n`,
    `$$\n\\sum_{k=1}^{${i + 2}} \\frac{Q_k}{A_k} = \\bar v\n$$\n\n`,
    `1. Measure the width.\n2. Measure the depth at ${i + 3} points.\n3. Multiply by the mean velocity.\n\n`,
    `> Rivers are the arteries of the land; part ${i} ends here.\n\n`,
  ].join('');

/** About `tokens` tokens of Markdown (4 characters each on average). */
export function longAnswer(tokens = 2000): string {
  let s = '';
  for (let i = 1; s.length < tokens * 4; i++) s += SECTION(i);
  return s.slice(0, tokens * 4).replace(/\s*$/, '\n');
}

/** The answer cut into tokens of 1–7 characters (4 on average), deterministic. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  let k = 0;
  while (i < text.length) {
    const n = 1 + ((k * 7 + 3) % 7);
    out.push(text.slice(i, i + n));
    i += n;
    k++;
  }
  return out;
}
