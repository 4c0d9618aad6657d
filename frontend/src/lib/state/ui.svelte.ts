// The window's own state: which sheet is open, the sidebar, the theme, the
// startup notice, and the focus and scroll requests. Components that can take
// a request register themselves (the composer and the search box through an
// attachment, the message list with a handle); a request is a plain call.
import { untrack } from 'svelte';
import type { Theme } from '../api';

/** Something that can take the keyboard focus (an input, or a test double). */
export interface Focusable {
  focus(): void;
  select?(): void;
}

/** What the message list does when asked (see MessageList.svelte). */
export interface MessageListView {
  /** A conversation was (re)opened: mount its newest messages and scroll to the bottom. */
  showNewest(): void;
  /** Scroll to the bottom and follow new content from now on. */
  scrollToBottom(): void;
  /** Bring a message into view and flash it (a search hit). */
  reveal(messageId: number): void;
}

/** Below this width the sidebar covers the conversation, so opening one closes it. */
const NARROW_PX = 900;

const systemDark = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

export class UiStore {
  settingsOpen = $state(false);
  helpOpen = $state(false);
  aboutOpen = $state(false);
  /** The Ollama endpoint whose Models view is open (over Settings); '' when closed. */
  modelsEndpointId = $state('');
  sidebarOpen = $state(true);
  /** The startup notice (e.g. a database that was set aside); '' when none or dismissed. */
  notice = $state('');

  private theme: Theme | undefined;
  private composer: Focusable | null = null;
  private search: Focusable | null = null;
  /** The search box was asked for while the sidebar was closed: focus it when it appears. */
  private searchWanted = false;
  private messageList: MessageListView | null = null;

  constructor() {
    systemDark?.addEventListener?.('change', () => this.applyTheme(this.theme));
  }

  /**
   * Sets data-theme on the root to "light" or "dark", resolving "system" here,
   * so the CSS has one dark palette. A system change is followed live.
   */
  applyTheme(theme: Theme | undefined): void {
    this.theme = theme;
    const dark = theme === 'dark' || (theme !== 'light' && !!systemDark?.matches);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }

  // ---- sheets and the sidebar -------------------------------------------
  openSettings(): void {
    this.settingsOpen = true;
  }
  closeSettings(): void {
    this.settingsOpen = false;
    this.focusComposer();
  }
  openHelp(): void {
    this.helpOpen = true;
  }
  closeHelp(): void {
    this.helpOpen = false;
    this.focusComposer();
  }
  /** About Brook replaces the Help sheet when opened from it. */
  openAbout(): void {
    this.helpOpen = false;
    this.aboutOpen = true;
  }
  closeAbout(): void {
    this.aboutOpen = false;
    this.focusComposer();
  }
  openModels(endpointId: string): void {
    this.modelsEndpointId = endpointId;
  }
  closeModels(): void {
    this.modelsEndpointId = '';
    this.focusComposer();
  }
  toggleHelp(): void {
    if (this.helpOpen) this.closeHelp();
    else this.openHelp();
  }
  /** Opening a conversation on a narrow window hides the sidebar that covers it. */
  closeSidebarIfNarrow(): void {
    if (typeof window !== 'undefined' && window.innerWidth < NARROW_PX) this.sidebarOpen = false;
  }

  // ---- focus ------------------------------------------------------------
  /** The composer registers here; it takes the focus at once unless a sheet is open. */
  registerComposer(target: Focusable): () => void {
    this.composer = target;
    this.focusComposer();
    return () => {
      if (this.composer === target) this.composer = null;
    };
  }

  /** Focus the message box (start, switching conversations, Ctrl+L, a sheet closed). */
  focusComposer(): void {
    if (this.composer && !this.settingsOpen && !this.helpOpen && !this.aboutOpen && !this.modelsEndpointId) this.composer.focus();
  }

  /** The sidebar's search box registers here; a request made while it was closed is served now. */
  registerSearch(target: Focusable): () => void {
    this.search = target;
    if (this.searchWanted) this.focusSearch();
    return () => {
      if (this.search === target) this.search = null;
    };
  }

  /** Ctrl+K: show the sidebar and put the cursor in its search box. */
  focusSearch(): void {
    this.sidebarOpen = true;
    if (!this.search) {
      this.searchWanted = true; // the sidebar mounts, then registers its box
      return;
    }
    this.searchWanted = false;
    this.search.focus();
    this.search.select?.();
  }

  /** `{@attach ui.composerField}` on the composer's textarea. */
  readonly composerField = (el: HTMLElement): (() => void) => untrack(() => this.registerComposer(el));
  /** `{@attach ui.searchField}` on the search box. */
  readonly searchField = (el: HTMLInputElement): (() => void) => untrack(() => this.registerSearch(el));

  // ---- scrolling --------------------------------------------------------
  registerMessageList(view: MessageListView): () => void {
    this.messageList = view;
    return () => {
      if (this.messageList === view) this.messageList = null;
    };
  }
  showNewest(): void {
    this.messageList?.showNewest();
  }
  scrollToBottom(): void {
    this.messageList?.scrollToBottom();
  }
  revealMessage(messageId: number): void {
    this.messageList?.reveal(messageId);
  }
}

export const ui = new UiStore();
