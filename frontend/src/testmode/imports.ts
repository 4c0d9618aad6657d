// Importing another app's history through the real window: the test drops
// an export on the composer (which keeps it: no import), then on the
// window with a real drag; this scenario waits for the preview and reads it, the test photographs it and presses Enter (Import),
// then Enter again (Close); the scenario opens the imported conversation
// and reads its version switchers.
import { api } from '../lib/api';
import { chat } from '../lib/state/chat.svelte';
import { conversationList } from '../lib/state/conversationList.svelte';
import { dropZone } from '../lib/state/dropZone.svelte';
import { importFlow } from '../lib/state/importFlow.svelte';
import { $, $$, frame, setValue, shownMessages, waitFor } from './dom';
import { openConversation, ready } from './steps';

type Scenario = (arg: string) => Promise<Record<string, unknown>>;

const stage = () => $('import-dialog')?.dataset.stage ?? '';
const text = (id: string) => ($(id)?.textContent ?? '').replace(/\s+/g, ' ').trim();

export const importScenarios: Record<string, Scenario> = {
  /** arg: the title of a conversation of the export whose versions are read after the import. */
  async 'import-drop'(title) {
    await ready();
    await api.TestService.Mark('ready for the composer drop');
    // Go tells of every native drop; one on the composer is left to it.
    const composer = $('composer') as HTMLTextAreaElement;
    await waitFor(() => dropZone.ignored > 0 && composer.value, 'the drop on the composer', 60000);
    const composerDrop = { text: composer.value, importStage: importFlow.stage.kind, dialog: !!$('import-dialog') };
    setValue(composer, '');
    await api.TestService.Mark('ready for the drop');
    await waitFor(() => stage() === 'preview', 'the preview of the dropped export', 60000);
    await frame();
    const preview = {
      kind: text('import-kind'),
      found: text('import-found'),
      rows: $$('import-row').map((r) => ({ text: r.textContent?.replace(/\s+/g, ' ').trim(), status: r.dataset.status })),
      picked: $$('import-pick').map((c) => (c as HTMLInputElement).checked),
      importFocused: document.activeElement === $('import-go'),
      importLabel: text('import-go'),
    };
    await api.TestService.Mark('preview shown');
    await waitFor(() => stage() === 'done', 'the import to finish (the test presses Enter)', 60000);
    await frame();
    const summary = text('import-summary');
    const closeFocused = document.activeElement === $('import-close');
    await api.TestService.Mark('summary shown');
    await waitFor(() => !$('import-dialog'), 'the summary to close (the test presses Enter)', 60000);

    const c = await waitFor(() => conversationList.items.find((x) => x.title === title), `"${title}" in the sidebar`);
    await openConversation(c.id);
    await waitFor(() => shownMessages().length > 0, 'its messages');
    await frame();
    const versions = shownMessages().map((m) => {
      const el = document.querySelector<HTMLElement>(`[data-testid="message"][data-message-id="${m.id}"]`);
      return { id: m.id, role: m.role, plain: m.plain, count: ((el && $('version-count', el)?.textContent) ?? '').replace(/\s+/g, ' ').trim() };
    });
    // The test photographs the conversation, then presses F8: the report quits Brook.
    const photographed = new Promise<void>((resolve) => {
      const onKey = (e: KeyboardEvent) => {
        if (e.key !== 'F8') return;
        window.removeEventListener('keydown', onKey);
        resolve();
      };
      window.addEventListener('keydown', onKey);
    });
    await api.TestService.Mark('conversation shown');
    await photographed;
    return { composerDrop, preview, summary, closeFocused, conversationId: chat.currentId, versions };
  },
};
