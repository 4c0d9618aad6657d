// The keyboard-only e2e (e2e/keyboard_test.go): the window is driven by key
// presses alone, and this scenario only watches. Every time focus moves it
// tells Go (TestService.Mark) what has focus, whether focus is visible, and
// which dialog it is in.
import { api } from '../lib/api';
import { models } from '../lib/state/models.svelte';
import { ready } from './steps';
import { waitFor } from './dom';

/** A short name for an element: its test id, and its accessible name or its text. */
function describe(el: Element): string {
  const h = el as HTMLElement;
  const name = h.getAttribute('aria-label') || (h.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
  return `${el.tagName.toLowerCase()}:${h.dataset.testid ?? ''}:${name}`;
}

/** The accent colour as computed (what focus is drawn in). */
function accent(): string {
  const probe = document.createElement('span');
  probe.style.color = 'var(--accent)';
  document.body.append(probe);
  const c = getComputedStyle(probe).color;
  probe.remove();
  return c;
}

/**
 * Is focus drawn: an outline or a shadow on the element (what :focus-visible
 * gives), or a box around it whose border turns the accent colour (the
 * message box, through :focus-within).
 */
function focusShown(el: Element): boolean {
  const cs = getComputedStyle(el);
  if ((cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none') return true;
  const a = accent();
  for (let p = el.parentElement, i = 0; p && i < 3; p = p.parentElement, i++) {
    if (p.matches(':focus-within') && getComputedStyle(p).borderTopColor === a) return true;
  }
  return false;
}

export const keyboardScenarios = {
  /** Watches focus and reports at once; the window stays open for the keys. */
  async poseKeyboard(): Promise<Record<string, unknown>> {
    await ready();
    await waitFor(() => models.checked, 'the model check');
    document.addEventListener('focusin', (e) => {
      const el = e.target as Element;
      // in: the dialog focus is in (its test id), or "page".
      const dialog = el.closest<HTMLElement>('[role="dialog"], [role="alertdialog"]');
      void api.TestService.Mark(`focus[${describe(el).replace(/\]/g, ')')}] visible=${focusShown(el)} in=${dialog ? (dialog.dataset.testid ?? 'dialog') : 'page'}`);
    });
    return { watching: true };
  },
};
