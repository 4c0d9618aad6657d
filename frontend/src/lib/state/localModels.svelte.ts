// Pulls of Ollama models (LocalModelsService): one brook:pull subscription for
// the whole app, from start-up, so a pull goes on and stays visible while the
// Models view is closed; and brook:models-changed, after a pull or a delete,
// surveys the endpoints again so the model picker offers what is there now.
import { t } from '../i18n/t.svelte';
import { api, type PullProgress } from '../api';
import { models } from './models.svelte';
import { toasts } from './toasts.svelte';

/** The key of one pull: an endpoint and a model name. */
export function pullKey(endpointId: string, model: string): string {
  return endpointId + '\u0000' + model;
}

export class LocalModelsStore {
  /** Every pull seen (running or ended), by pullKey; an ended one stays until dismissed. */
  pulls = $state<Record<string, PullProgress>>({});
  /** Pulls being asked for (Pull called, no answer yet), by pullKey. */
  starting = $state<Record<string, boolean>>({});
  private dismissed = new Map<string, number>();

  /** Subscribe to pull progress and model changes; returns the unsubscribe. Called once at start-up. */
  start(): () => void {
    const offPull = api.events.onPull((p) => this.update(p));
    const offChanged = api.events.onModelsChanged(() => void models.refresh());
    return () => {
      offPull();
      offChanged();
    };
  }

  /** The pulls on one endpoint, newest first. */
  pullsOn(endpointId: string): PullProgress[] {
    return Object.values(this.pulls)
      .filter((p) => p.endpointId === endpointId)
      .sort((a, b) => b.startedAt - a.startedAt);
  }

  /** A pull's progress (an event, or Go's list). */
  update(p: PullProgress): void {
    const key = pullKey(p.endpointId, p.model);
    // An ended pull the user dismissed does not come back from Go's list; a new one (later start) does.
    const gone = this.dismissed.get(key);
    if (gone !== undefined) {
      if (p.startedAt <= gone) return;
      this.dismissed.delete(key);
    }
    const cur = this.pulls[key];
    // Go's list can be older than an event already here: an end is never undone by the same pull's progress.
    if (cur && cur.startedAt === p.startedAt && cur.state !== 'running' && p.state === 'running') return;
    this.pulls[key] = p;
  }

  /** Read every pull Go knows of (a view opened after a pull began). */
  async load(): Promise<void> {
    try {
      for (const p of await api.LocalModelsService.Pulls()) this.update(p);
    } catch (e) {
      toasts.fail(t('localModels.couldNotListDownloads'), e);
    }
  }

  /** Start pulling a model; progress comes as events. Returns whether Go took it. */
  async pull(endpointId: string, model: string): Promise<boolean> {
    const key = pullKey(endpointId, model);
    this.dismissed.delete(key);
    this.starting[key] = true;
    try {
      await api.LocalModelsService.Pull(endpointId, model);
      return true;
    } catch (e) {
      toasts.fail(t('localModels.couldNotDownload', { name: model }), e);
      return false;
    } finally {
      delete this.starting[key];
    }
  }

  async cancel(endpointId: string, model: string): Promise<void> {
    try {
      await api.LocalModelsService.CancelPull(endpointId, model);
    } catch (e) {
      toasts.fail(t('localModels.couldNotCancel', { name: model }), e);
    }
  }

  /** Forget an ended pull (its row goes away). */
  dismiss(endpointId: string, model: string): void {
    const key = pullKey(endpointId, model);
    const p = this.pulls[key];
    if (!p || p.state === 'running') return;
    this.dismissed.set(key, p.startedAt);
    delete this.pulls[key];
  }

  /** Forget everything (tests). */
  reset(): void {
    this.pulls = {};
    this.starting = {};
    this.dismissed.clear();
  }
}

export const localModels = new LocalModelsStore();
