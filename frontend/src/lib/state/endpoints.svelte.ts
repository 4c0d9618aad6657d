// Settings → Endpoints: the endpoints as Go keeps them, the server kinds Go
// offers, and the endpoint being added or edited. What each kind of endpoint
// offers (key, defaults) is asked of the kinds Go registered (endpointKinds). Every change is saved
// through SettingsService and followed by a new survey (models.refresh), so
// the picker and the list show what Go now uses.
import { t } from '../i18n/t.svelte';
import { api, errorText, type Endpoint, type EndpointView, type ServerKindInfo } from '../api';
import { endpointKinds } from './endpointKinds.svelte';
import { models } from './models.svelte';
import { toasts } from './toasts.svelte';

/** An endpoint in the editor: a new one has id ''. */
export type EndpointDraft = Endpoint & { hasApiKey?: boolean };

export class EndpointsStore {
  list = $state<EndpointView[]>([]);
  kinds = $state<ServerKindInfo[]>([]);
  /** The endpoint in the editor; null when the editor is closed. */
  editing = $state<EndpointDraft | null>(null);
  /** A new API key for it ('' keeps the stored one). */
  apiKey = $state('');
  clearKey = $state(false);
  /** Go's reason when the edited endpoint was not saved. */
  error = $state('');
  /** New values of the editor's extra headers, by name (saved values stay in the keyring, unseen). */
  headerValues = $state<Record<string, string>>({});

  /**
   * Reads the endpoints (rejects with Go's reason), the server kinds and the
   * kinds of endpoint, once read at start-up (a toast when they cannot be
   * read: the rest works without them).
   */
  async load(): Promise<void> {
    const [list, kinds] = await Promise.all([
      api.SettingsService.Endpoints(),
      api.SettingsService.ServerKinds().catch((e): ServerKindInfo[] => (toasts.fail(t('endpoints.couldNotListServerKinds'), e), [])),
      endpointKinds.load().catch((e) => toasts.fail(t('endpoints.couldNotListKindsOf'), e)),
    ]);
    this.list = list;
    this.kinds = kinds;
  }

  /** Opens the editor on a new endpoint of the first kind Go offers, with its defaults. */
  startNew(): void {
    const k = endpointKinds.list[0];
    this.open({ id: '', name: k?.defaultName ?? '', kind: k?.id ?? '', baseUrl: k?.defaultUrl ?? '', enabled: true });
  }

  /** Whether the edited endpoint's kind takes an API key (a kind Go does not offer is asked for one). */
  get takesKey(): boolean {
    return endpointKinds.get(this.editing?.kind)?.key !== 'none';
  }

  /** The key and its removal as they are sent: none for a kind that takes no key. */
  get keyToSend(): { apiKey: string; clearKey: boolean } {
    return this.takesKey ? { apiKey: this.apiKey, clearKey: this.clearKey } : { apiKey: '', clearKey: false };
  }

  /** Another kind for the edited endpoint: it brings its defaults, unless the user changed the name or address. */
  changeKind(id: string): void {
    const e = this.editing;
    if (!e) return;
    const from = endpointKinds.get(e.kind);
    const to = endpointKinds.get(id);
    if (to) {
      if (!e.baseUrl.trim() || e.baseUrl === from?.defaultUrl) e.baseUrl = to.defaultUrl;
      if (!e.name.trim() || e.name === from?.defaultName) e.name = to.defaultName;
    }
    e.kind = id;
  }

  edit(e: EndpointView): void {
    this.open({ ...e });
  }

  cancel(): void {
    this.editing = null;
  }

  private open(e: EndpointDraft): void {
    this.editing = e;
    this.apiKey = '';
    this.clearKey = false;
    this.error = '';
    this.headerValues = {};
  }

  /** Saves the endpoint in the editor and closes it; false (with Go's reason in `error`) when Go refused. */
  async save(): Promise<boolean> {
    if (!this.editing) return false;
    this.error = '';
    const { hasApiKey: _h, ...ep } = $state.snapshot(this.editing) as EndpointDraft;
    // The server kind, answers-at-once and context window are saved from the list; keep their latest values.
    const cur = this.list.find((x) => x.id === ep.id);
    if (cur) {
      ep.serverKind = cur.serverKind;
      ep.maxParallel = cur.maxParallel;
      ep.contextWindow = cur.contextWindow;
    }
    try {
      const { apiKey, clearKey } = this.keyToSend;
      await api.SettingsService.SaveEndpointWithHeaders(ep, apiKey, clearKey, $state.snapshot(this.headerValues));
      this.editing = null;
      this.list = await api.SettingsService.Endpoints();
      await models.refresh();
      return true;
    } catch (e) {
      this.error = errorText(e);
      return false;
    }
  }

  /** After a server setting was saved from the list: show it, and survey again for the effective kind and parallel. */
  async serverSaved(): Promise<void> {
    try {
      this.list = await api.SettingsService.Endpoints();
    } catch (e) {
      toasts.fail(t('endpoints.couldNotReloadEndpoints'), e);
    }
    void models.refresh();
  }

  /** Deletes an endpoint (its conversations stay); a failure is a toast. */
  async remove(e: EndpointView): Promise<void> {
    try {
      await api.SettingsService.DeleteEndpoint(e.id);
      this.list = await api.SettingsService.Endpoints();
      await models.refresh();
    } catch (err) {
      toasts.fail(t('endpoints.couldNotDeleteEndpoint'), err);
    }
  }
}

export const endpoints = new EndpointsStore();
