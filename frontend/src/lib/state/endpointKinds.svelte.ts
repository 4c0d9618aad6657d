// The kinds of endpoint Go registered (SettingsService.EndpointKinds), read
// once at start-up. Components ask a kind what it can do (key, defaults,
// local models, thinking on/off) instead of naming kinds.
import { api, type EndpointKindInfo } from '../api';

export class EndpointKindsStore {
  list = $state<EndpointKindInfo[]>([]);
  private loading: Promise<void> | null = null;

  /** Reads the kinds from Go, once; after a failure the next call asks again. */
  load(): Promise<void> {
    this.loading ??= api.SettingsService.EndpointKinds().then(
      (l) => {
        this.list = l;
      },
      (e) => {
        this.loading = null;
        throw e;
      },
    );
    return this.loading;
  }

  /** The kind with id, or undefined when Go does not offer it (or the kinds are not read yet). */
  get(id: string | undefined): EndpointKindInfo | undefined {
    return this.list.find((k) => k.id === id);
  }

  /** The kind's name, or its id when the kind is not known. */
  label(id: string): string {
    return this.get(id)?.label ?? id;
  }
}

export const endpointKinds = new EndpointKindsStore();
