// The model endpoints and their models (one survey from Go), the selected
// model, and the look again at endpoints that are away.
import { api, errorText, type EndpointModels, type Selection } from '../api';
import { settings } from './settings.svelte';

const RECHECK_FIRST_MS = 15_000;
const RECHECK_MAX_MS = 120_000;

export class ModelStore {
  /** The last survey: every endpoint, whether it answered, and its models. */
  endpoints = $state<EndpointModels[]>([]);
  /** A survey asked for by the user (or at start) is running. */
  loading = $state(false);
  /** Why the last survey failed; '' when it did not. */
  error = $state('');
  /** At least one survey has ended (well or not). */
  checked = $state(false);
  selection = $state<Selection>({ endpointId: '', model: '' });
  /** The user closed the "can't reach" banner (until the next survey they ask for). */
  bannerDismissed = $state(false);

  unreachable = $derived(this.endpoints.filter((e) => e.endpoint.enabled && !e.reachable));
  selectedEndpoint = $derived(this.endpoints.find((e) => e.endpoint.id === this.selection.endpointId));

  /**
   * Surveys the endpoints. `initial` takes Go's choice of model even over a
   * selection; `quiet` (the background look) shows no "Checking…" and yields
   * to a survey already running. Never rejects: a failure is `error`.
   */
  async refresh(initial = false, quiet = false): Promise<void> {
    if (quiet && this.loading) return;
    if (!quiet) this.loading = true;
    this.error = '';
    try {
      // One survey: the endpoints, and the model a new conversation starts with.
      const overview = await api.ModelService.Overview();
      const list = overview.endpoints;
      const def = initial || !this.selection.model ? overview.selection : null;
      this.endpoints = list;
      if (!quiet) this.bannerDismissed = false;
      if (def && def.model) this.selection = def;
      if (!this.selection.model) {
        const first = list.find((e) => e.endpoint.enabled && e.reachable && e.models.length);
        if (first) this.selection = { endpointId: first.endpoint.id, model: first.models[0].name };
      }
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.loading = false;
      this.checked = true;
      this.planRecheck();
    }
  }

  select(sel: Selection): void {
    this.selection = sel;
  }

  /** A new conversation starts with the Default model (Settings) while it is offered; else the selection stays. */
  selectDefault(): void {
    const s = settings.value;
    if (!s?.defaultModel) return;
    const offered = this.endpoints.some(
      (e) => e.endpoint.id === s.defaultEndpointId && e.models.some((m) => m.name === s.defaultModel),
    );
    if (offered) this.selection = { endpointId: s.defaultEndpointId, model: s.defaultModel };
  }

  // ---- unreachable endpoints ---------------------------------------------
  // While an endpoint is away, look again now and then, so starting Ollama is
  // noticed: after 15 s, then less and less often (up to every 2 min). Nothing
  // is scheduled while every endpoint answers: an idle Brook runs no timer.
  private watching = false;
  private recheckTimer: ReturnType<typeof setTimeout> | null = null;
  private recheckMs = RECHECK_FIRST_MS;

  /** Start (after start-up) or stop (on close) looking again at endpoints that are away. */
  watch(on: boolean): void {
    this.watching = on;
    this.planRecheck();
  }

  /** Called after every look at the endpoints (and at start and end). */
  private planRecheck(): void {
    if (!this.watching || this.unreachable.length === 0) {
      if (this.recheckTimer) clearTimeout(this.recheckTimer);
      this.recheckTimer = null;
      this.recheckMs = RECHECK_FIRST_MS;
      return;
    }
    if (this.recheckTimer) return;
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = null;
      this.recheckMs = Math.min(RECHECK_MAX_MS, this.recheckMs * 2);
      if (document.visibilityState === 'hidden') this.planRecheck();
      else void this.refresh(false, true);
    }, this.recheckMs);
  }
}

export const models = new ModelStore();
