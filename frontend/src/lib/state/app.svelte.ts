// Start-up and shut-down of the window's state. Each part has its own store,
// which components import directly:
//   toasts            – toasts.svelte.ts
//   ui                – ui.svelte.ts: sheets, sidebar, theme, notice, focus and scroll requests
//   settings          – settings.svelte.ts: the user's preferences
//   models            – models.svelte.ts: endpoints, models, the selection, the model check
//   conversationList  – conversationList.svelte.ts: the sidebar list and its actions
//   chat              – chat.svelte.ts: the open conversation (messages, draft, sending)
//   search            – search.svelte.ts
//   streams           – streams.svelte.ts: live answers
//   localModels       – localModels.svelte.ts: pulls of Ollama models, model changes
//   endpointKinds     – endpointKinds.svelte.ts: the kinds of endpoint Go offers
import { t } from '../i18n/t.svelte';
import { api, errorText } from '../api';
import { chat } from './chat.svelte';
import { conversationList } from './conversationList.svelte';
import { importFlow } from './importFlow.svelte';
import { dropZone } from './dropZone.svelte';
import { endpointKinds } from './endpointKinds.svelte';
import { localModels } from './localModels.svelte';
import { models } from './models.svelte';
import { settings } from './settings.svelte';
import { streams } from './streams.svelte';
import { toasts } from './toasts.svelte';
import { toolCalls } from './toolCalls.svelte';
import { ui } from './ui.svelte';

export class AppStore {
  /** Start-up is done: the list and the models were looked at, the composer has focus. */
  ready = $state(false);
  /** Brook cannot work (its settings did not load); shown at the top of the window. */
  fatal = $state('');
  private unsubs: (() => void)[] = [];

  async init(): Promise<void> {
    // A live answer whose stored copy could not be read says so, with Go's reason.
    this.unsubs.push(streams.onError((what, e) => toasts.fail(what, e)));
    streams.start();
    this.unsubs.push(localModels.start());
    // Pulls Go resumed at start-up (running when Brook last quit) began before this subscription.
    void localModels.load();
    this.unsubs.push(api.events.onConversationsChanged(() => conversationList.scheduleRefresh()));
    this.unsubs.push(
      api.events.onFileDrop((paths, x, y) => {
        if (dropZone.takes(x, y)) void importFlow.dropped(paths);
      }),
    );
    this.unsubs.push(dropZone.attach());
    this.unsubs.push(chat.start());
    this.unsubs.push(toolCalls.start());
    try {
      await settings.load();
    } catch (e) {
      this.fatal = t('appState.couldNotLoadSettings', { error: errorText(e) });
    }
    void this.loadNotice();
    await Promise.all([
      conversationList.refresh(),
      models.refresh(true),
      endpointKinds.load().catch((e) => toasts.fail(t('app.couldNotListKindsOf'), e)),
    ]);
    // Answers still running (e.g. after a reload of the UI) are tracked too.
    void this.trackRunning();
    this.ready = true;
    ui.focusComposer();
    models.watch(true);
  }

  destroy(): void {
    this.unsubs.forEach((u) => u());
    this.unsubs = [];
    conversationList.cancelScheduled();
    models.watch(false);
  }

  private async loadNotice(): Promise<void> {
    try {
      ui.notice = (await api.SettingsService.StartupNotice()) ?? '';
    } catch (e) {
      toasts.fail(t('app.couldNotReadStartupNotice'), e);
    }
  }

  private async trackRunning(): Promise<void> {
    let ids: number[];
    try {
      ids = await api.ChatService.ActiveAnswers();
    } catch (e) {
      toasts.fail(t('app.couldNotListAnswersStill'), e);
      return;
    }
    await Promise.all(
      ids.map(async (id) => {
        try {
          streams.track(await api.ConversationService.GetMessage(id));
        } catch (e) {
          toasts.fail(t('app.couldNotShowAnswerStill'), e);
        }
      }),
    );
  }
}

export const app = new AppStore();
