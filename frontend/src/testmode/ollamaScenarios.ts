// End-to-end scenarios of the local Ollama that Brook starts (see scenarios.ts).
import { models } from '../lib/state/models.svelte';
import { ollamaServer } from '../lib/state/ollamaServer.svelte';
import { $, waitFor } from './dom';
import { newChat, ready, send, settled } from './steps';

export const ollamaScenarios: Record<string, (arg: string) => Promise<Record<string, unknown>>> = {
  /**
   * Ollama installed but not running: Brook starts it, the model list
   * fills, and a question is answered. Reports what the window was told.
   */
  async ollamaStarted() {
    await ready();
    const s = await waitFor(() => ollamaServer.status?.state === 'running' && ollamaServer.status, 'Ollama to be started', 60000);
    await waitFor(() => models.endpoints.some((e) => e.reachable && e.models.length > 0), 'the model list', 30000);
    const listed = models.endpoints.flatMap((e) => e.models.map((m) => m.name));
    await newChat();
    const answerId = await send('Hello Brook');
    const m = await settled(answerId);
    return { startedByBrook: s.startedByBrook, version: s.version, listed, answerId, state: m.state, answerPlain: m.plain };
  },
};

export const ollamaPoses: Record<string, (value: string) => Promise<void>> = {
  /** Ollama answering, however it came to (started by this Brook or not). */
  async 'ollama-running'() {
    await waitFor(() => ollamaServer.status?.state === 'running', 'Ollama to answer', 60000);
  },
  /** First run with no Ollama installed: how to install it, or use a server elsewhere. */
  async 'no-ollama'() {
    await waitFor(() => $('ollama-setup'), 'the first-run screen without Ollama', 30000);
  },
};
