// The in-browser preview (npm run dev without Wails): a fake backend seeded
// from the page's query (?seed=, ?offline=, ?wait=, ?think=, ?scenario=, ?ollama=).
// Its words are sample data, not UI text.
import type { OllamaState } from '../api';
import { conv, createFakeApi, msg, survey } from './index';

/** A fake backend for the preview, seeded from the page's query. */
export async function createPreviewApi() {
  const fake = createFakeApi();
  fake.simulate = { text: 'Hello! This is a **simulated** answer from the in-browser preview.\n\n```js\nconsole.log(1)\n```\n', chunk: 4, intervalMs: 40 };
  const seed = Number(new URLSearchParams(location.search).get('seed') || 0);
  if (seed) {

    const day = 86_400_000;
    const titles = ['Rust lifetimes', 'Trip to Lisbon', 'Sourdough ratio', 'SQL window functions', 'Garden plan'];
    titles.forEach((t, i) => fake.db.conversations.push(conv({ title: t, updatedAt: Date.now() - i * i * 3 * day, pinned: i === 3 })));
    const big = conv({ title: `Long conversation (${seed} messages)`, updatedAt: Date.now() });
    fake.db.conversations.unshift(big);
    for (let i = 0; i < seed; i++) {
      const user = i % 2 === 0;
      fake.db.messages.push(
        msg({
          conversationId: big.id,
          role: user ? 'user' : 'assistant',
          content: user ? `Question number ${i / 2}: how does Brook handle long conversations?` : `Answer ${i}: it mounts a **window** of messages.\n\n- item one\n- item two\n\n\`\`\`ts\nconst x = ${i};\n\`\`\``,
          model: user ? undefined : 'llama3.2',
          tokensPerSecond: user ? undefined : 40 + (i % 7),
          firstTokenMs: user ? undefined : 300,
          recovered: !user && i % 97 === 1,
          recoveryReason: 'The connection dropped mid-answer; Brook fetched the whole answer again.',
          state: !user && i === seed - 1 ? 'interrupted' : 'complete',
          endReason: !user && i === seed - 1 ? 'The connection to Ollama dropped.' : undefined,
        }),
      );
    }
  }
  if (new URLSearchParams(location.search).get('offline')) {

    fake.db.models = [survey({ endpoint: { id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true }, reachable: false, error: 'dial tcp 127.0.0.1:11434: connect: connection refused', hint: 'Ollama is not running. Start it with `ollama serve`, or install it from https://ollama.com.', models: [] })];
  }
  // ?wait=5000: answers wait in the queue, then for the model to load, before streaming.
  const wait = Number(new URLSearchParams(location.search).get('wait') || 0);
  if (wait && fake.simulate) Object.assign(fake.simulate, { queuedAhead: 1, waitingFor: 'model_load', waitMs: wait });
  // ?think=1: the model thinks first (a reasoning model), and the picker knows which models can.
  if (new URLSearchParams(location.search).get('think') && fake.simulate) {
    fake.simulate.reasoning = 'The user says hello. I should **greet** them back and show a small example.\n\n- keep it short\n- add a code block\n';
    fake.simulate.intervalMs = 120;
    const ep = fake.db.models[0];
    if (ep) {
      ep.models = [
        { name: 'llama3.2', sizeBytes: 2_000_000_000, capabilities: ['completion', 'tools'] },
        { name: 'qwen3', sizeBytes: 5_200_000_000, capabilities: ['completion', 'thinking', 'tools'] },
      ];
    }
  }
  const scenario = new URLSearchParams(location.search).get('scenario');
  if (scenario) {
    fake.TestService.Scenario = async () => scenario;
    fake.TestService.Report = async (json) => {
      console.log('BROOK-TEST-REPORT ' + json);
      document.title = 'REPORT ' + json;
    };
  }
  // ?ollama=not_installed (or starting, failed, …): the local Ollama as Brook finds it.
  fake.db.ollama.status.state = (new URLSearchParams(location.search).get('ollama') ?? 'running') as OllamaState;
  return fake;
}
