import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, fireEvent, cleanup } from '@testing-library/svelte';

afterEach(cleanup);
import SearchResults from './SearchResults.svelte';
import type { SearchHit } from '../api';

const hit = (p: Partial<SearchHit>): SearchHit => ({
  conversationId: 1,
  conversationTitle: 'Trip plans',
  messageId: 10,
  role: 'user',
  snippet: '',
  createdAt: Date.now(),
  rank: 1,
  ...p,
});

describe('SearchResults', () => {
  it('shows the title and the snippet with only <mark> as markup', () => {
    const { container, getByText } = render(SearchResults, {
      results: [
        hit({ snippet: 'we go to <mark>Lisbon</mark> &lt;b&gt;soon&lt;/b&gt;' }),
        hit({ messageId: 11, conversationTitle: 'Evil', snippet: '<img src=x onerror="window.x=1"><b>bold</b> <mark>hit</mark>' }),
      ],
      onpick: () => {},
    });
    expect(getByText('Trip plans')).toBeTruthy();
    const snippets = container.querySelectorAll('[data-testid="search-snippet"]');
    expect(snippets.length).toBe(2);
    expect(snippets[0].querySelector('mark')?.textContent).toBe('Lisbon');
    expect(snippets[0].textContent).toContain('<b>soon</b>'); // escaped text, not an element
    expect(snippets[0].querySelector('b')).toBeNull();
    // Defence in depth: even if Go let a tag through, only <mark> becomes an element.
    const els = Array.from(snippets[1].querySelectorAll('*')).map((e) => e.tagName);
    expect(els).toEqual(['MARK']);
  });

  it('says which attached document a hit is in', () => {
    const { getAllByTestId } = render(SearchResults, {
      results: [hit({ snippet: 'the cat <mark>Zephyrine</mark>', document: 'manual.pdf' }), hit({ messageId: 11, snippet: 'in the text' })],
      onpick: () => {},
    });
    expect(getAllByTestId('search-document').map((e) => e.textContent)).toEqual(['in manual.pdf']);
  });

  it('calls onpick with the hit', async () => {
    const onpick = vi.fn();
    const { getAllByTestId } = render(SearchResults, { results: [hit({ messageId: 42 })], onpick });
    await fireEvent.click(getAllByTestId('search-hit')[0]);
    expect(onpick).toHaveBeenCalledWith(expect.objectContaining({ messageId: 42 }));
  });

  it('says so when nothing matched', () => {
    const { getByText } = render(SearchResults, { results: [], onpick: () => {} });
    expect(getByText('No matches.')).toBeTruthy();
  });
});

import { tidySnippet } from '../dates';

describe('tidySnippet', () => {
  it('drops Markdown syntax but keeps the words and the marks', () => {
    const raw = '...rook") } ``` | Step | What happens | |---|---| | 1 | <mark>Brook</mark> <mark>stream</mark>s tokens |...';
    expect(tidySnippet(raw)).toBe('...rook") } · Step · What happens · 1 · <mark>Brook</mark> <mark>stream</mark>s tokens · ...');
  });
  it('removes emphasis, heading and quote marks', () => {
    expect(tidySnippet('## Title **bold** and &gt; quoted <mark>word</mark>')).toBe('Title bold and quoted <mark>word</mark>');
  });
  it('leaves plain text alone', () => {
    expect(tidySnippet('東京タワー is 333 m tall')).toBe('東京タワー is 333 m tall');
  });
});
