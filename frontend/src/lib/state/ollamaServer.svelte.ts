// The local Ollama as Brook looks after it: its status (from Go, then from
// each brook:ollama-server event), Retry and Restart. When Ollama comes to
// answer, the endpoints are surveyed again so the model list fills.
import { t } from '../i18n/t.svelte';
import { api, type OllamaStatus } from '../api';
import { models } from './models.svelte';
import { toasts } from './toasts.svelte';

export class OllamaServerStore {
  /** The latest status; null until Go has said. */
  status = $state<OllamaStatus | null>(null);
  /** A Retry or Restart is under way. */
  busy = $state(false);
  /** The user closed the failure banner (until the next status). */
  dismissed = $state(false);

  /** The local Ollama endpoint is Brook's to speak for: starting, failed, not installed or off. */
  speaksFor(endpointId: string): boolean {
    const s = this.status;
    return !!s && s.endpointId === endpointId && ['starting', 'failed', 'not_installed', 'off', 'stopped'].includes(s.state);
  }

  /** Subscribe and read the status; returns the unsubscribe. */
  start(): () => void {
    const off = api.events.onOllamaServer((s) => this.update(s));
    api.OllamaServerService.Status().then(
      (s) => this.status === null && this.update(s),
      () => {}, // Brook still starting, or no backend: the events will say
    );
    return off;
  }

  update(s: OllamaStatus): void {
    const cameUp = s.state === 'running' && this.status?.state !== 'running';
    this.status = s;
    this.dismissed = false;
    if (cameUp) void models.refresh();
  }

  async retry(): Promise<void> {
    await this.run(() => api.OllamaServerService.Retry(), t('ollamaServer.couldNotCheck'));
  }

  async restart(): Promise<void> {
    if (await this.run(() => api.OllamaServerService.Restart(), t('ollamaServer.couldNotRestart'))) toasts.show(t('ollamaServer.ollamaRestarted'));
  }

  private async run(call: () => Promise<OllamaStatus>, failure: string): Promise<boolean> {
    this.busy = true;
    try {
      const s = await call();
      this.update(s);
      void models.refresh();
      return s.state === 'running';
    } catch (e) {
      toasts.fail(failure, e);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

export const ollamaServer = new OllamaServerStore();
