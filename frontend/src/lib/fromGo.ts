// Results of bound methods made whole. Go's nil slices arrive as null (the
// generated types do not say so); a method whose result holds a slice that Go
// may leave nil gets its fix here, so the UI always sees a list. Every other
// method's result is used as Go sends it.
import type { endpoints, localmodels, ollamaserver } from '../../wailsjs/go/models';
import type { Bound, Services } from './bound';
import type { ContextChoice, EndpointModels, Endpoint, ImportPreviewItem, OllamaFailure, OllamaState, OllamaStatus, PullErrorKind, PullProgress, PullState, SelectionSource } from './types';

type Raw<F> = F extends (...a: never[]) => Promise<infer R> ? R : never;
type Fixes = {
  [S in keyof Bound]?: { [M in keyof Bound[S]]?: (r: Raw<Bound[S][M]>) => Raw<Services[S][M]> };
};

/** A Go slice: nil arrives as null. */
function list<T>(l: T[] | null | undefined): T[] {
  return l ?? [];
}

/** A survey as Go sends it (nil slices as null), with the defaults filled in. */
function surveyFromGo(l: endpoints.Status[] | null | undefined): EndpointModels[] {
  return list(l).map((m) => ({
    ...m,
    endpoint: m.endpoint as Endpoint,
    models: list(m.models).map((x) => (x.capabilities === null ? { ...x, capabilities: undefined } : x)),
    serverKind: m.serverKind ?? '',
    parallel: m.parallel ?? 0,
    continues: m.continues ?? false,
  }));
}

/** A pull as Go sends it (nil slices as null); also the brook:pull event's payload. */
export function pullFromGo(p: localmodels.PullProgress): PullProgress {
  return {
    ...p,
    state: p.state as PullState,
    layers: list(p.layers),
    errorKind: (p.errorKind ?? '') as PullErrorKind,
    error: p.error ?? '',
    status: p.status ?? '',
    resumed: !!p.resumed,
  };
}

/** The local Ollama's status as Go sends it (nil slices as null, failure absent); also the brook:ollama-server event's payload. */
export function ollamaStatusFromGo(s: ollamaserver.Status): OllamaStatus {
  return { ...s, state: s.state as OllamaState, failure: (s.failure ?? '') as OllamaFailure, logTail: list(s.logTail) };
}

// Go's named string types are plain strings in the bindings; the casts narrow
// them to the values Go uses (types.ts).
export const fromGo: Fixes = {
  ChatService: { ActiveAnswers: list },
  ToolCallService: { Pending: list },
  ContextService: {
    Plan: (v) => ({ ...v, choice: (v.choice ?? '') as ContextChoice, leftOut: list(v.leftOut) }),
  },
  OllamaServerService: { Status: ollamaStatusFromGo, Retry: ollamaStatusFromGo, Restart: ollamaStatusFromGo },
  ConversationService: {
    List: (l) => list(l) as Raw<Services['ConversationService']['List']>,
    Open: (v) => ({ conversation: v.conversation, messages: list(v.messages) }) as Raw<Services['ConversationService']['Open']>,
    ShowVersion: (l) => list(l) as Raw<Services['ConversationService']['ShowVersion']>,
    Search: (l) => list(l) as Raw<Services['ConversationService']['Search']>,
  },
  ModelService: {
    Overview: (o) => {
      const none = { endpointId: '', model: '' };
      return {
        endpoints: surveyFromGo(o.endpoints),
        selection: o.selection ?? none,
        source: (o.source ?? '') as SelectionSource,
        default: o.default ?? none,
        defaultOffered: o.defaultOffered ?? false,
      };
    },
  },
  SettingsService: {
    Endpoints: (l) => list(l) as Raw<Services['SettingsService']['Endpoints']>,
    Backups: list,
    ServerKinds: list,
    EndpointKinds: (l) => list(l) as Raw<Services['SettingsService']['EndpointKinds']>,
  },
  LocalModelsService: {
    Installed: (l) => list(l).map((m) => ({ ...m, capabilities: list(m.capabilities) })),
    Loaded: list,
    Details: (d) => ({ ...d, capabilities: list(d.capabilities) }),
    Pulls: (l) => list(l).map(pullFromGo),
  },
  TransferService: {
    Preview: (p) => ({ ...p, conversations: list(p.conversations) as ImportPreviewItem[], leftOut: list(p.leftOut) }),
    ImportPicked: (s) => ({ ...s, leftOut: list(s.leftOut) }),
  },
  SystemService: {
    About: (a) => ({ ...a, links: list(a.links) }),
    ReasonTexts: (t) => ({ reasons: t.reasons ?? {}, recovered: list(t.recovered) }),
  },
};
