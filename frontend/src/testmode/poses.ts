// Poses for documentation screenshots: the window arranged in a state
// (answered, streaming, thinking, Settings…) and left open.
import { $, click, frame, setValue, waitFor } from './dom';
import { message, newChat, ready, send, settled } from './steps';
import { versionPoses } from './versions';
import { ollamaPoses } from './ollamaScenarios';
import { poseDocuments } from './documents';
import { poseProjects } from './projects';
import { poseContextChoice } from './context';
import { poseSources } from './sources';
import { poseAssistants } from './assistants';
import { models } from '../lib/state/models.svelte';
import { ui } from '../lib/state/ui.svelte';
import { audit } from './a11y';
import { zoom } from '../lib/state/zoom.svelte';

const morePoses: Record<string, (value: string) => Promise<unknown>> = { ...versionPoses, ...ollamaPoses, projects: poseProjects, assistants: poseAssistants };

/**
 * Arranges a state for a documentation screenshot and reports without
 * quitting (Go keeps the window open for "pose" scenarios).
 * arg: answered | zoomed | documents | sources | context-choice | streaming | thinking | waiting | queued | settings | help | models | search=QUERY | empty
 */
export async function pose(arg: string): Promise<Record<string, unknown>> {
  await ready();
  await waitFor(() => models.checked, 'the model check');
  const [what, value = ''] = arg.split('=');
  let extra: Record<string, unknown> = {};
  switch (what) {
    case 'documents':
      await poseDocuments();
      break;
    case 'sources':
      await poseSources();
      break;
    case 'context-choice':
      extra = { figure: await poseContextChoice() };
      break;
    case 'zoomed':
    case 'answered': {
      // zoomed: the answer at 200 %, as Ctrl+plus leaves it.
      if (what === 'zoomed') zoom.set(2);
      await newChat();
      const id = await send(value || 'Show me a hello world in Go, a table and a formula.');
      await settled(id);
      break;
    }
    case 'streaming': {
      await newChat();
      const id = await send(value || 'Show me a hello world in Go, a table and a formula.');
      await waitFor(() => (message(id)?.text.length ?? 0) > 120, 'part of the answer', 30000);
      break;
    }
    case 'thinking': {
      // A reasoning model thinking aloud: the live Thinking section.
      await newChat();
      const id = await send(value || 'How long is the Danube, roughly?');
      await waitFor(() => {
        const s = document.querySelector<HTMLElement>(`[data-testid="message"][data-message-id="${id}"] [data-testid="thinking"]`);
        return s && s.dataset.live === 'true' && ($('thinking-content', s)?.textContent ?? '').length > 160;
      }, 'a good part of the reasoning', 30000);
      break;
    }
    case 'waiting': {
      // The model is slow to start: the answer says what it waits for, and for how long.
      await newChat();
      await send(value || 'Explain rivers in one long answer.');
      await waitFor(() => $('ask-now') && Number(($('wait-seconds')?.textContent ?? '').replace(/\D/g, '')) >= 3, 'three seconds of waiting', 15000);
      break;
    }
    case 'queued': {
      // One answer streams; a second, to the same endpoint, waits its turn.
      await newChat();
      await send('Show me a hello world in Go, a table and a formula.');
      await newChat();
      await send(value || 'And a second question meanwhile.');
      await waitFor(() => document.querySelector('[data-testid="answer-status"][data-phase="queued"]'), 'the queued answer', 15000);
      break;
    }
    case 'settings':
      await click($('open-settings'), 'Settings');
      await waitFor(() => $('settings'), 'the settings view');
      break;
    case 'backups':
      // Settings → Backups, the daily backups and the databases kept before restores.
      await click($('open-settings'), 'Settings');
      (await waitFor(() => $('backup'), 'the backups list')).closest('section')?.scrollIntoView({ block: 'start' });
      break;
    case 'local-models':
      // The Models view of the Ollama endpoint, with a model's details open.
      await click($('open-settings'), 'Settings');
      await click(await waitFor(() => $('open-models'), 'the Models button'), 'Models');
      await waitFor(() => $('installed')?.querySelector('tbody tr'), 'the installed models');
      await click(await waitFor(() => $('model-details-toggle'), 'a Details button'), 'Details');
      await waitFor(() => $('model-details'), 'the model details');
      break;
    case 'help':
      ui.openHelp();
      await waitFor(() => $('help-sheet'), 'the help sheet');
      break;
    case 'models':
      await click($('model-picker'), 'the model picker');
      await waitFor(() => $('model-option'), 'the model list');
      break;
    case 'search': {
      const box = $('search') as HTMLInputElement;
      setValue(box, value);
      await waitFor(() => $('search-hit'), 'search results');
      break;
    }
    case 'empty':
      break;
    default:
      if (!(what in morePoses)) throw new Error(`unknown pose "${what}"`);
      await morePoses[what](value);
  }
  await frame(); // let the last frame paint
  return { posed: what, ...extra };
}

/**
 * Like pose, then checks the posed state with axe-core: the report holds the
 * violations by impact (TestMainStatesScreenshots fails on serious ones).
 * A scenario of its own, so that tests that merely pose are not slowed.
 */
export async function poseAudited(arg: string): Promise<Record<string, unknown>> {
  const posed = await pose(arg);
  return { ...posed, a11y: await audit() };
}
