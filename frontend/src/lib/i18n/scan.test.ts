// No user-facing words written into the code: the scan of frontend/src finds
// text nodes and visible attributes in templates, and sentence-like literals in
// scripts, that do not come from the catalogue. Its output names file:line and
// the text, so new components can be swept with it.
import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import { frontendSources, scanSources, scanSvelte, scanTs } from './scan.testutil';

describe('hard-coded UI text', () => {
  it('is nowhere in frontend/src', () => {
    const found = scanSources(frontendSources()).map((f) => `${f.file}:${f.line}: ${JSON.stringify(f.text)}`);
    expect(found, 'move these into lib/i18n/locales/en.json and use t():\n' + found.join('\n')).toEqual([]);
  });

  it('every English key is used somewhere in the code', () => {
    const code = Object.values(frontendSources()).join('\n');
    const unused = Object.keys(en).filter((k) => !code.includes(`'${k}'`) && !code.includes(`"${k}"`));
    expect(unused).toEqual([]);
  });

  // The scanner itself: what it must find and what it must leave.
  it('finds text nodes, visible attributes, shown calls and glued template literals', () => {
    const src = `<script lang="ts">
  toasts.fail('Could not save', e);
  const label = \`Delete \${name}?\`;
</script>
<button aria-label="Close the dialog" title={busy ? 'Wait' : t('x.y')}>Save now</button>
<p>{count} items</p>`;
    const texts = scanSvelte('X.svelte', src).map((f) => `${f.line}:${f.text}`);
    expect(texts).toEqual(['2:Could not save', '3:Delete  ?', '5:Close the dialog', '5:Wait', '5:Save now', '6:items']);
  });

  it('leaves symbols, ids, classes, catalogue keys and allowed names alone', () => {
    const src = `<script lang="ts">
  const kind = 'model_load';
  if (e.key === 'Escape') close();
</script>
<button class="ghost close" data-testid="x-close" aria-label={t('common.close')}>×</button>
<span class={open ? 'open wide' : ''}>‹ {n} ›</span><kbd>Ctrl</kbd> <strong>Brook</strong>`;
    expect(scanSvelte('Y.svelte', src)).toEqual([]);
    expect(scanTs('y.ts', `import { a } from './b';\nconsole.error('brook: failed to load');\nconst re = /it's/;\n`)).toEqual([]);
  });
});
