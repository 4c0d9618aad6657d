// End-to-end scenarios run in the real window (TestService.Scenario names one).
// They use the real UI: elements by data-testid, real input/keydown/click events.
import { app } from '../lib/state/app.svelte';
import { chat } from '../lib/state/chat.svelte';
import { conversationList } from '../lib/state/conversationList.svelte';
import { models } from '../lib/state/models.svelte';
import { search } from '../lib/state/search.svelte';
import { toasts } from '../lib/state/toasts.svelte';
import { api, type ExportFormat } from '../lib/api';
import { streams } from '../lib/state/streams.svelte';
import { $, $$, click, eventually, frame, setValue, shownMessages, waitFor, type ShownMessage } from './dom';
import { FINAL, message, newChat, openConversation, ready, send, settled, waitFinal } from './steps';
import { pose, poseAudited } from './poses';
import { versionScenarios } from './versions';
import { ollamaScenarios } from './ollamaScenarios';
import { contextScenarios } from './context';
import { documentScenarios } from './documents';
import { toolCallScenarios } from './toolcalls';
import { importScenarios } from './imports';
import { keyboardScenarios } from './keyboard';
import { titleScenarios } from './titles';

export type Result = { ok: boolean; error?: string; [k: string]: unknown };
type Scenario = (arg: string) => Promise<Record<string, unknown>>;

const scenarios: Record<string, Scenario> = {
  ...versionScenarios,
  ...ollamaScenarios,
  ...contextScenarios,
  ...documentScenarios,
  ...toolCallScenarios,
  ...importScenarios,
  ...keyboardScenarios,
  ...titleScenarios,
  /** What the window shows right after start-up. */
  async status() {
    await ready();
    await waitFor(() => models.checked, 'the model check');
    await frame();
    const composer = $('composer');
    return {
      conversations: $$('conversation-item').map((el) => (el.querySelector('.title')?.textContent ?? '').trim()),
      selectedModel: models.selection.model,
      selectedEndpoint: models.selection.endpointId,
      composerFocused: !!composer && document.activeElement === composer,
      banner: ($('unreachable-banner')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      notice: ($('startup-notice')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      emptyState: ($('empty-state')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    };
  },

  /** Settings → Backups as listed: each row's kind and text, and the start-up notice. */
  async backups() {
    await ready();
    const notice = ($('startup-notice')?.textContent ?? '').replace(/\s+/g, ' ').trim();
    await click($('open-settings'), 'Settings');
    await waitFor(() => $('backup'), 'the backups list');
    return {
      notice,
      backups: $$('backup').map((li) => ({ kind: li.dataset.kind ?? '', text: (li.textContent ?? '').replace(/\s+/g, ' ').trim() })),
    };
  },

  async send() {
    await ready();
    await newChat();
    const answerId = await send('Hello Brook');
    const m = await settled(answerId);
    const el = document.querySelector(`[data-testid="message"][data-message-id="${answerId}"]`);
    const mark = el?.querySelector<HTMLElement>('[data-testid="recovered"]');
    return {
      conversationId: chat.currentId,
      answerId,
      answerText: m.text,
      answerPlain: m.plain,
      state: m.state,
      recovered: !!mark,
      recoveredTitle: mark?.title ?? '',
      footer: (el?.querySelector('.footer')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      stateBox: (el?.querySelector('.state-box')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    };
  },

  /**
   * A stream broken mid-answer (the test's proxy cuts it): records what the
   * window had shown when the recovery began, and what it shows at the end.
   */
  async continued() {
    await ready();
    await newChat();
    let answerId = 0;
    let shown = ''; // the answer's text as the window received it, up to the break
    let shownOnScreen = '';
    let broke = false;
    const off = api.events.onStream((ev) => {
      if (broke || (answerId && ev.messageId !== answerId)) return;
      if (ev.phase === 'recovering') {
        broke = true;
        shownOnScreen = (document.querySelector(`[data-testid="message"][data-message-id="${ev.messageId}"] [data-testid="message-content"]`)?.textContent ?? '').trim();
        return;
      }
      if (ev.text) shown += ev.text;
    });
    try {
      answerId = await send('Tell me a short story about a river.');
      const m = await settled(answerId);
      const el = document.querySelector(`[data-testid="message"][data-message-id="${answerId}"]`);
      const mark = el?.querySelector<HTMLElement>('[data-testid="recovered"]');
      return {
        answerId,
        broke,
        shownBeforeBreak: shown,
        shownOnScreenBeforeBreak: shownOnScreen,
        state: m.state,
        answerText: (message(answerId) ?? m).text,
        recoveredMethod: mark?.dataset.method ?? '',
        recoveredTitle: mark?.title ?? '',
      };
    } finally {
      off();
    }
  },

  /**
   * A vision model: a picture made in the page is attached through the
   * composer's file input, sent with a question, shown in the history, and
   * the fake model's answer says which bytes it saw.
   */
  async vision() {
    await ready();
    await newChat();
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#2b6cb0';
    g.fillRect(0, 0, 64, 48);
    g.fillStyle = '#f6e05e';
    g.fillRect(16, 12, 32, 24);
    const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG from the canvas'))), 'image/png'));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const sha8 = Array.from(digest.slice(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    const input = await waitFor(() => $('attach-input') as HTMLInputElement | null, 'the attach button (a vision model is selected)');
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'square.png', { type: 'image/png' }));
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() => $('attached-image'), 'the thumbnail of the attached picture');
    const answerId = await send('What do you see?');
    const m = await settled(answerId);
    const user = shownMessages().find((x) => x.role === 'user' && x.id < answerId);
    const userEl = user ? document.querySelector(`[data-testid="message"][data-message-id="${user.id}"]`) : null;
    await waitFor(() => userEl?.querySelector('[data-testid="message-image"] img'), 'the picture in the history');
    const historyImages = userEl?.querySelectorAll('[data-testid="message-image"]').length ?? 0;
    // A second turn, with no picture attached: the history's picture goes with it.
    const secondId = await send('And the colours?');
    const second = await settled(secondId);
    return {
      answerId,
      state: m.state,
      answerText: m.text,
      sentSha8: sha8,
      attachedLeft: $$('attached-image').length,
      historyImages,
      secondState: second.state,
      secondAnswerText: second.text,
    };
  },

  /**
   * A model that reasons first: the Thinking section is open and live while
   * the reasoning streams, folds when the answer starts, and opens again.
   */
  async thinking() {
    await ready();
    await newChat();
    const answerId = await send('Think first, then say hello.');
    const el = () => document.querySelector<HTMLElement>(`[data-testid="message"][data-message-id="${answerId}"]`);
    const section = () => (el() ? $('thinking', el()!) : null);
    const live = await waitFor(() => {
      const s = section();
      const text = s ? ($('thinking-content', s)?.textContent ?? '').trim() : '';
      return s && s.dataset.open === 'true' && s.dataset.live === 'true' && text.length > 20 ? { text, label: ($('thinking-label', s)?.textContent ?? '').trim() } : null;
    }, 'the Thinking section, open and live', 20000);
    const answerText = () => ($('message-content', el()!)?.textContent ?? '').trim();
    await waitFor(() => answerText().length > 0, 'the first words of the answer', 20000);
    const foldedWhenAnswerStarted = await eventually(() => section()?.dataset.open === 'false', 3000);
    const m = await settled(answerId);
    const label = ($('thinking-label', section()!)?.textContent ?? '').trim();
    await click($('thinking-toggle', section()!), 'the Thinking toggle');
    const reopened = await eventually(() => section()?.dataset.open === 'true', 3000);
    const reopenedText = ($('thinking-content', section()!)?.textContent ?? '').trim();
    return { answerId, liveText: live.text, liveLabel: live.label, foldedWhenAnswerStarted, label, reopened, reopenedText, state: m.state, answerText: m.text };
  },

  async stop() {
    await ready();
    await newChat();
    const answerId = await send('Please write a long answer');
    await waitFor(() => (message(answerId)?.text.length ?? 0) > 0, 'the first tokens', 30000);
    await click(await waitFor(() => $('stop'), 'the Stop button'), 'Stop');
    await waitFinal(answerId, 20000);
    const after = await settled(answerId);
    return { conversationId: chat.currentId, answerId, state: after.state, answerText: after.text, answerPlain: after.plain };
  },

  async switch() {
    await ready();
    await newChat();
    const aAnswer = await send('Slow answer please');
    await waitFor(() => chat.currentId > 0, 'conversation A to exist');
    const aId = chat.currentId;
    await newChat();
    const bAnswer = await send('Quick answer please');
    await waitFor(() => chat.currentId > 0 && chat.currentId !== aId, 'conversation B to exist');
    const bId = chat.currentId;
    await waitFor(() => (message(bAnswer)?.text.length ?? 0) > 0 || FINAL.has(message(bAnswer)?.state ?? ''), 'B to start answering', 30000);
    // Back to A while (ideally) both are still streaming: A must show its live answer.
    await openConversation(aId);
    const aReopened = message(aAnswer);
    // It goes on streaming in the window it was reopened in.
    await eventually(() => (message(aAnswer)?.text.length ?? 0) > (aReopened?.text.length ?? 0) || FINAL.has(message(aAnswer)?.state ?? ''), 5000);
    const aLater = message(aAnswer);
    const aShown = await settled(aAnswer);
    await openConversation(bId);
    const bShown = await settled(bAnswer);
    return {
      a: {
        conversationId: aId,
        answerId: aAnswer,
        stateWhenReopened: aReopened?.state,
        textLengthWhenReopened: aReopened?.text.length ?? 0,
        textLength300msLater: aLater?.text.length ?? 0,
        state: aShown.state,
        text: aShown.text,
        plain: aShown.plain,
      },
      b: { conversationId: bId, answerId: bAnswer, state: bShown.state, text: bShown.text, plain: bShown.plain },
    };
  },

  /** "search:QUERY" types QUERY into the search box (default "Brook"). */
  async search(arg) {
    await ready();
    const query = arg || new URLSearchParams(location.search).get('q') || 'Brook';
    const box = $('search') as HTMLInputElement;
    setValue(box, query);
    const hit = await waitFor(() => $('search-hit'), 'search results');
    const hits = $$('search-hit').length;
    const expectConversation = Number(hit.dataset.conversationId);
    const expectMessage = Number(hit.dataset.messageId);
    await click(hit, 'the first search hit');
    await waitFor(() => chat.currentId === expectConversation && !chat.loading, 'the conversation to open');
    const highlighted = await waitFor(() => document.querySelector<HTMLElement>('[data-testid="message"].highlighted'), 'the highlighted message', 5000);
    return {
      query,
      hits,
      conversationId: chat.currentId,
      highlightedMessageId: Number(highlighted.dataset.messageId),
      expectedMessageId: expectMessage,
    };
  },

  async export() {
    await ready();
    let id = chat.currentId;
    if (!id) {
      const first = conversationList.items[0];
      if (first) {
        await openConversation(first.id);
        id = first.id;
      } else {
        await newChat();
        const a = await send('Hello Brook');
        await waitFinal(a);
        id = chat.currentId;
      }
    }
    const paths: Record<string, string> = {};
    for (const f of ['markdown', 'json', 'html'] as ExportFormat[]) {
      const path = await conversationList.exportTo([id], f); // the menu's code path
      if (path === null) throw new Error(`export as ${f} failed: ${toasts.log.at(-1) ?? 'no reason shown'}`);
      paths[f] = path;
    }
    return { conversationId: id, paths };
  },

  pose,
  poseAudited,
};

export function scenarioNames(): string[] {
  return Object.keys(scenarios);
}

/** Runs "name" or "name:argument" (e.g. "search:東京タワー"). */
export async function runScenario(spec: string, overallMs = 120000): Promise<Result> {
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const arg = colon < 0 ? '' : spec.slice(colon + 1);
  const s = scenarios[name];
  if (!s) return { ok: false, error: `unknown scenario "${name}"; known: ${scenarioNames().join(', ')}` };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`scenario "${name}" timed out after ${overallMs} ms`)), overallMs);
  });
  try {
    const data = await Promise.race([s(arg), timeout]);
    return { ok: true, scenario: name, ...data };
  } catch (e) {
    return {
      ok: false,
      scenario: name,
      error: e instanceof Error ? e.message : String(e),
      shown: safeShown(),
      app: {
        ready: app.ready,
        currentId: chat.currentId,
        selection: models.selection,
        currentStreaming: chat.streaming,
        sendingFrom: chat.sendingFrom,
        toasts: toasts.log,
        composer: ($('composer') as HTMLTextAreaElement | null)?.value,
        listed: conversationList.items.map((c) => c.id),
        sidebar: $$('conversation-item').map((el) => Number(el.dataset.conversationId)),
        searching: search.results !== null,
      },
      // What each live answer waits for, so a stuck answer says where it is stuck.
      live: Object.values(streams.answers).map((a) => ({
        id: a.messageId,
        phase: a.phase,
        waitingFor: a.waitingFor,
        reason: a.reason,
        since: a.since ? Date.now() - a.since : undefined,
        length: a.text.length,
      })),
    };
  } finally {
    clearTimeout(timer);
  }
}

function safeShown(): ShownMessage[] | string {
  try {
    return shownMessages();
  } catch (e) {
    return `could not read the shown messages: ${e instanceof Error ? e.message : String(e)}`;
  }
}
