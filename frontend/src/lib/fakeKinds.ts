// The kinds of endpoint the fake API offers: stand-ins for what Go registers
// (SettingsService.EndpointKinds), in its order. Tests check that the UI does
// what each kind's entry says, not what a kind is called.
import type { EndpointKindInfo } from './api';

export const FAKE_ENDPOINT_KINDS: EndpointKindInfo[] = [
  {
    id: 'ollama',
    label: 'Ollama',
    key: 'none',
    defaultName: 'Ollama',
    defaultUrl: 'http://127.0.0.1:11434',
    caps: { extraModels: false, localModels: true, thinkOnOff: true },
    startCommand: 'ollama serve',
    site: 'https://ollama.com',
  },
  {
    id: 'openai',
    label: 'OpenAI-compatible',
    key: 'optional',
    defaultName: 'OpenAI',
    defaultUrl: 'https://api.openai.com/v1',
    caps: { extraModels: true, localModels: false, thinkOnOff: false },
  },
];

/** SettingsService.EndpointKinds, as the fake API answers it. */
export async function fakeEndpointKinds(): Promise<EndpointKindInfo[]> {
  return structuredClone(FAKE_ENDPOINT_KINDS);
}
