// The Markdown renderer loads when first needed, not at start. Until it has,
// an answer shows its text as it is: escaped, never nothing. Nothing in this
// file loads the renderer before the test asks for it.
import { afterEach, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import { tick } from 'svelte';
import { rendererModule } from './lazy.svelte';
import LazyMarkdown from './LazyMarkdown.svelte';

afterEach(() => cleanup());

it('shows the text unrendered and escaped until the renderer arrives, then rendered', async () => {
  expect(rendererModule.started).toBeUndefined();
  const text = 'Some **bold** and <b>tags</b>';
  const r = render(LazyMarkdown, { text });
  const plain = r.getByTestId('markdown-unrendered');
  expect(plain.textContent).toBe(text);
  expect(plain.querySelector('b, strong')).toBeNull();
  expect(rendererModule.started).toBeDefined(); // showing it started the load

  await rendererModule.started;
  await tick();
  expect(r.queryByTestId('markdown-unrendered')).toBeNull();
  expect(r.container.querySelector('.markdown strong')?.textContent).toBe('bold');
  expect(r.container.querySelector('.markdown b')).toBeNull();
});
