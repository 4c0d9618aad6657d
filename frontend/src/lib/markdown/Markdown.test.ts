import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import Markdown from './Markdown.svelte';

afterEach(() => cleanup());

function click(el: Element, init: MouseEventInit = {}) {
  const ev = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0, ...init });
  el.dispatchEvent(ev);
  return ev;
}

describe('Markdown.svelte', () => {
  it('renders blocks and calls onLink only for safe URLs, never navigating', () => {
    const onLink = vi.fn();
    const { container } = render(Markdown, {
      props: {
        text: '[web](https://example.com/a) [mail](mailto:a@b.c) [anchor](#x) <http://plain.example>\n\n![pic](https://img.example/p.png)',
        onLink,
      },
    });
    const links = Array.from(container.querySelectorAll('a'));
    expect(links).toHaveLength(5);
    const results = links.map((a) => click(a));
    expect(results.every((ev) => ev.defaultPrevented)).toBe(true);
    expect(onLink.mock.calls.map((c) => c[0])).toEqual([
      'https://example.com/a',
      'mailto:a@b.c',
      'http://plain.example',
      'https://img.example/p.png',
    ]);
  });

  it('prevents navigation for links that lost their href and for unsafe hrefs put in later', () => {
    const onLink = vi.fn();
    const { container } = render(Markdown, { props: { text: '[x](javascript:alert(1)) [ok](https://ok.example)', onLink } });
    expect(container.querySelector('a[href^="javascript"]')).toBeNull();
    expect(container.querySelectorAll('a')).toHaveLength(1);
    // Even if something put a dangerous href into the DOM, clicks never navigate or reach onLink.
    const a = container.querySelector('a')!;
    a.setAttribute('href', 'javascript:alert(1)');
    const span = document.createElement('span');
    a.appendChild(span);
    expect(click(span).defaultPrevented).toBe(true);
    a.setAttribute('href', 'data:text/html,hi');
    expect(click(a).defaultPrevented).toBe(true);
    a.setAttribute('href', 'vbscript:x');
    expect(click(a).defaultPrevented).toBe(true);
    expect(onLink).not.toHaveBeenCalled();
  });

  it('middle click on a link is also prevented and does not call onLink', () => {
    const onLink = vi.fn();
    const { container } = render(Markdown, { props: { text: '[web](https://example.com)', onLink } });
    const ev = new MouseEvent('auxclick', { bubbles: true, cancelable: true, button: 1 });
    container.querySelector('a')!.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(true);
    expect(onLink).not.toHaveBeenCalled();
  });

  it('copy button copies the code text and shows "Copied"', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { container } = render(Markdown, { props: { text: '```js\nconst a = "<b>";\n```' } });
    const btn = container.querySelector<HTMLButtonElement>('button.copy[data-copy]')!;
    expect(btn.textContent).toBe('Copy');
    await fireEvent.click(btn);
    await vi.waitFor(() => expect(btn.textContent).toBe('Copied'));
    expect(writeText).toHaveBeenCalledWith('const a = "<b>";\n');
  });

  it('keeps finished blocks DOM untouched while streaming', async () => {
    const { container, rerender } = render(Markdown, { props: { text: '# Title\n\nfirst para', streaming: true } });
    const h1 = container.querySelector('h1')!;
    const firstBlock = container.querySelector('.md-block')!;
    await rerender({ text: '# Title\n\nfirst paragraph\n\nsecond', streaming: true });
    expect(container.querySelector('h1')).toBe(h1);
    await rerender({ text: '# Title\n\nfirst paragraph\n\nsecond and **more', streaming: true });
    expect(container.querySelector('h1')).toBe(h1);
    expect(container.querySelector('.md-block')).toBe(firstBlock);
    expect(container.querySelectorAll('.md-block')).toHaveLength(3);
    expect(container.querySelector('strong')?.textContent).toBe('more');
    expect(container.textContent).not.toContain('**');
    await rerender({ text: '# Title\n\nfirst paragraph\n\nsecond and **more**.', streaming: false });
    expect(container.querySelector('h1')).toBe(h1);
    expect(container.querySelectorAll('.md-block')).toHaveLength(3);
  });

  it('renders an unclosed fence as code while streaming', () => {
    const { container } = render(Markdown, { props: { text: 'Code:\n\n```python\ndef f():\n    return 1', streaming: true } });
    expect(container.querySelector('.code-block pre code')?.textContent).toBe('def f():\n    return 1');
    expect(container.querySelector('.code-lang')?.textContent).toBe('python');
  });
});
