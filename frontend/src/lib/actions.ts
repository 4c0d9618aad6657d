import { t } from './i18n/t.svelte';
import { errorText } from './api';

/** Calls `cb` on a pointer-down outside the node (for popovers and menus). */
export function clickOutside(node: HTMLElement, cb: () => void) {
  let handler = cb;
  const onDown = (e: Event) => {
    if (!node.contains(e.target as Node)) handler();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      e.preventDefault();
      handler();
    }
  };
  // Defer so the click that opened the popover doesn't close it.
  const armed = setTimeout(() => {
    document.addEventListener('pointerdown', onDown, true);
  });
  node.addEventListener('keydown', onKey);
  return {
    update(next: () => void) {
      handler = next;
    },
    destroy() {
      clearTimeout(armed);
      document.removeEventListener('pointerdown', onDown, true);
      node.removeEventListener('keydown', onKey);
    },
  };
}

/**
 * Copy text to the clipboard, with fallbacks for WebKitGTK contexts without the
 * async API. Rejects, naming why each way failed, when none worked.
 */
export async function copyText(text: string): Promise<void> {
  const failed: string[] = [];
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch (e) {
      failed.push(t('actions.clipboardRefused', { error: errorText(e) }));
    }
  }
  const rt = (window as unknown as { runtime?: { ClipboardSetText?: (t: string) => Promise<boolean> } }).runtime;
  if (rt?.ClipboardSetText) {
    try {
      if (await rt.ClipboardSetText(text)) return;
      failed.push(t('actions.windowRefused'));
    } catch (e) {
      failed.push(t('actions.windowRefusedWhy', { error: errorText(e) }));
    }
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.append(ta);
  ta.select();
  try {
    if (document.execCommand?.('copy')) return;
    failed.push(t('actions.copyNothing'));
  } catch (e) {
    failed.push(t('actions.copyFailed', { error: errorText(e) }));
  } finally {
    ta.remove();
  }
  throw new Error(failed.join('; '));
}

/**
 * An attachment for the sentinel at the end of a list that mounts its rows a
 * page at a time: `more` runs when the sentinel comes within 200px of the
 * view of its scrolling ancestor (`root`, a selector). Without an
 * IntersectionObserver (tests) it runs `all` instead.
 */
export function nearEnd(root: string, more: () => void, all: () => void) {
  return (sentinel: HTMLElement): (() => void) | void => {
    if (typeof IntersectionObserver === 'undefined') {
      all();
      return;
    }
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) more();
      },
      { root: sentinel.closest(root), rootMargin: '200px 0px' },
    );
    io.observe(sentinel);
    return () => io.disconnect();
  };
}
