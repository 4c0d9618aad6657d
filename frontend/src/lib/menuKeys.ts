// The keyboard of a WAI-ARIA menu (role="menu"): focus goes to its first
// item when it opens; ArrowDown and ArrowUp move among the items (wrapping),
// Home and End go to the first and last, a printable key moves to the next
// item starting with what was typed (typeahead), Tab closes it, and on
// closing focus goes back to the button that opened it (aria-haspopup,
// found by aria-controls or as the menu's previous sibling button).
// Escape is clickOutside's; together they make the pattern.

/** How long typed letters add up to one typeahead search. */
const TYPEAHEAD_MS = 600;

const ITEMS = '[role="menuitem"],[role="menuitemradio"],[role="menuitemcheckbox"]';

/** The enabled items of a menu, in order. */
export function menuItems(menu: HTMLElement): HTMLElement[] {
  return [...menu.querySelectorAll<HTMLElement>(ITEMS)].filter((el) => !el.hasAttribute('disabled') && el.getAttribute('aria-disabled') !== 'true');
}

/** The item to go to for key from the item at i, or undefined for a key the menu leaves alone. */
export function nextIndex(key: string, i: number, n: number): number | undefined {
  if (n === 0) return undefined;
  switch (key) {
    case 'ArrowDown':
      return (i + 1) % n;
    case 'ArrowUp':
      return i <= 0 ? n - 1 : i - 1;
    case 'Home':
      return 0;
    case 'End':
      return n - 1;
  }
  return undefined;
}

/** The first item after `from` (wrapping) whose text starts with typed, case-insensitively; -1 when none does. */
export function typeahead(labels: string[], from: number, typed: string): number {
  const t = typed.toLocaleLowerCase();
  // One letter moves on from the current item; more letters may stay on it.
  const start = typed.length > 1 ? Math.max(from, 0) : from + 1;
  for (let k = 0; k < labels.length; k++) {
    const j = (start + k) % labels.length;
    if (labels[j].trim().toLocaleLowerCase().startsWith(t)) return j;
  }
  return -1;
}

/** An attachment for a role="menu" element: see the file's comment. */
export function menuKeys(menu: HTMLElement): () => void {
  // WebKit does not focus a button on click, so the opener is found by its
  // aria-expanded rather than as the focused element.
  const opener =
    menu.parentElement?.querySelector<HTMLElement>(':scope > [aria-haspopup][aria-expanded="true"], :scope > * > [aria-haspopup][aria-expanded="true"]') ??
    (document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null);
  let typed = '';
  let typedAt = 0;
  // Focus the first item once the menu's items have rendered; a menu that
  // focuses an item itself (MoveToProject) keeps that one.
  queueMicrotask(() => {
    if (!menu.contains(document.activeElement)) menuItems(menu)[0]?.focus();
  });
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const items = menuItems(menu);
    const i = items.indexOf(document.activeElement as HTMLElement);
    const next = nextIndex(e.key, i, items.length);
    if (next !== undefined) {
      e.preventDefault();
      items[next].focus();
      return;
    }
    if (e.key === 'Tab') {
      // Tab leaves a menu: it closes, as a click outside does.
      menu.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: false }));
      return;
    }
    if (e.key.length === 1 && e.key !== ' ' && !(e.target instanceof HTMLInputElement)) {
      const now = e.timeStamp;
      typed = now - typedAt < TYPEAHEAD_MS ? typed + e.key : e.key;
      typedAt = now;
      const j = typeahead(
        items.map((el) => el.textContent ?? ''),
        i,
        typed,
      );
      if (j >= 0) {
        e.preventDefault();
        items[j].focus();
      }
    }
  };
  menu.addEventListener('keydown', onKey);
  return () => {
    menu.removeEventListener('keydown', onKey);
    // Closing with focus inside the menu (or lost with it) gives it back to the opener.
    const lost = !document.activeElement || document.activeElement === document.body || menu.contains(document.activeElement);
    if (lost && opener?.isConnected) opener.focus();
  };
}
