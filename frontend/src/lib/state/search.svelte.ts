// Full-text search over every conversation, or within one project (the
// sidebar's search box and its scope).
import { api, errorText, type SearchHit } from '../api';

export class SearchStore {
  query = $state('');
  /** null: not searching (the sidebar shows the list); else the hits of `query`. */
  results = $state<SearchHit[] | null>(null);
  /** Where to search: null for every chat, a project's id for its chats, 0 for the chats outside any project. */
  scope = $state<number | null>(null);
  /** Why the last search failed; shown in place of the hits. */
  error = $state('');
  private seq = 0;

  /** Searches for q ('' ends the search). Never rejects: a failure is `error`. */
  async run(q: string): Promise<void> {
    this.query = q;
    const seq = ++this.seq;
    if (!q.trim()) {
      this.results = null;
      this.error = '';
      return;
    }
    try {
      const r = this.scope === null ? await api.ConversationService.Search(q.trim()) : await api.ProjectService.Search(this.scope, q.trim());
      if (seq !== this.seq) return;
      this.results = r;
      this.error = '';
    } catch (e) {
      if (seq !== this.seq) return;
      this.results = [];
      this.error = errorText(e);
    }
  }

  clear(): void {
    this.seq++;
    this.query = '';
    this.results = null;
    this.error = '';
  }
}

export const search = new SearchStore();
