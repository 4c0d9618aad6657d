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
  const t = setTimeout(() => {
    document.addEventListener('pointerdown', onDown, true);
  });
  node.addEventListener('keydown', onKey);
  return {
    update(next: () => void) {
      handler = next;
    },
    destroy() {
      clearTimeout(t);
      document.removeEventListener('pointerdown', onDown, true);
      node.removeEventListener('keydown', onKey);
    },
  };
}

/** Copy text to the clipboard, with a fallback for WebKitGTK contexts without the async API. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through */
  }
  const rt = (window as unknown as { runtime?: { ClipboardSetText?: (t: string) => Promise<boolean> } }).runtime;
  try {
    if (rt?.ClipboardSetText && (await rt.ClipboardSetText(text))) return true;
  } catch {
    /* fall through */
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}
