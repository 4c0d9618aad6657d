// Keeps keyboard focus inside a dialog while it is open, and gives it back
// where it was when the dialog closes (WAI-ARIA dialog pattern).

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), summary';

/** The elements Tab reaches inside node, in order. */
export function focusables(node: HTMLElement): HTMLElement[] {
  return [...node.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[inert]') && el.getClientRects().length > 0);
}

/**
 * Svelte action for a modal dialog: focus moves into it (unless the dialog
 * already put it somewhere inside), Tab and Shift+Tab cycle within it, and
 * focus returns to the element that had it before, if it is still there.
 */
export function trapFocus(node: HTMLElement) {
  const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  // After the dialog's own mount code, which may focus its main control.
  const t = setTimeout(() => {
    if (node.contains(document.activeElement)) return;
    (focusables(node)[0] ?? node).focus();
  });
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Tab') return;
    const els = focusables(node);
    if (els.length === 0) {
      e.preventDefault();
      return;
    }
    const first = els[0];
    const last = els[els.length - 1];
    const active = document.activeElement;
    if (e.shiftKey && (active === first || !node.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !node.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  };
  node.addEventListener('keydown', onKey);
  return {
    destroy() {
      clearTimeout(t);
      node.removeEventListener('keydown', onKey);
      // Only if focus was lost with the dialog (not moved on by the user).
      const active = document.activeElement;
      if (before?.isConnected && (!active || active === document.body || node.contains(active))) before.focus();
    },
  };
}
