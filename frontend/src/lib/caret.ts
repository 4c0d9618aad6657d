// WebKit blinks a focused text field's caret for as long as it has focus,
// and a focused field keeps its rendering going even when the caret is
// hidden: measured in the real window, an idle window with the composer
// focused costs 0.6–0.7% of a core, with it unfocused 0.05–0.15%. GTK stops
// its own carets after gtk-cursor-blink-timeout (10 s) without typing, but
// WebKit ignores that setting. So after the same rest the field gives up
// focus while it keeps looking focused (data-rested), and the next key
// pressed with nothing else focused, or a click on it, gives focus back with
// the caret where it was, before the key is handled: the key lands in it.

/** How long the caret blinks after the last keystroke, as GTK's default timeout. */
export const CARET_REST_MS = 10_000;

/**
 * How long it blinks after a message is sent. The user now reads, and every
 * blink is a repaint taken from a local model that is reading the prompt on
 * the same CPU.
 */
export const CARET_REST_AFTER_SEND_MS = 2_000;

const REST_SOON = 'brook-rest-caret';

/** Rests a field's caret (see restCaret) after `ms` instead of the usual rest, unless a key wakes it first. */
export function restCaretSoon(field: HTMLElement, ms = CARET_REST_AFTER_SEND_MS): void {
  field.dispatchEvent(new CustomEvent(REST_SOON, { detail: ms }));
}

const WAKE_EVENTS = ['keydown', 'input', 'pointerdown', 'compositionstart', 'paste'] as const;

/** A Svelte attachment for a textarea or input: rests its caret after CARET_REST_MS without typing. */
export function restCaret(field: HTMLTextAreaElement | HTMLInputElement, restMs = CARET_REST_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let rested: { start: number | null; end: number | null } | null = null;

  const rest = () => {
    timer = undefined;
    if (document.activeElement !== field || !document.hasFocus()) return;
    rested = { start: field.selectionStart, end: field.selectionEnd };
    field.dataset.rested = 'true';
    field.blur();
  };
  const awake = () => {
    clearTimeout(timer);
    timer = setTimeout(rest, restMs);
  };
  const unrest = () => {
    rested = null;
    delete field.dataset.rested;
  };
  // Back from rest: focus again, caret where it was.
  const resume = () => {
    const at = rested;
    unrest();
    field.focus({ preventScroll: true });
    if (at && at.start !== null && at.end !== null) field.setSelectionRange(at.start, at.end);
  };
  const onFocus = () => {
    unrest();
    awake();
  };
  const onRestSoon = (e: Event) => {
    if (document.activeElement !== field) return;
    clearTimeout(timer);
    timer = setTimeout(rest, (e as CustomEvent<number>).detail);
  };
  const onBlur = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  // A key with nothing focused goes to the resting field, before anyone handles it.
  const onDocumentKey = (e: KeyboardEvent) => {
    if (rested && (document.activeElement === document.body || document.activeElement === null) && !e.defaultPrevented) resume();
  };
  // Focus moved somewhere else on purpose: the field no longer rests.
  const onDocumentFocus = (e: FocusEvent) => {
    if (rested && e.target !== field) unrest();
  };

  for (const type of WAKE_EVENTS) field.addEventListener(type, awake, true);
  field.addEventListener('focus', onFocus);
  field.addEventListener('blur', onBlur);
  field.addEventListener(REST_SOON, onRestSoon);
  document.addEventListener('keydown', onDocumentKey, true);
  document.addEventListener('focusin', onDocumentFocus, true);
  if (document.activeElement === field) awake();
  return () => {
    clearTimeout(timer);
    unrest();
    for (const type of WAKE_EVENTS) field.removeEventListener(type, awake, true);
    field.removeEventListener('focus', onFocus);
    field.removeEventListener('blur', onBlur);
    field.removeEventListener(REST_SOON, onRestSoon);
    document.removeEventListener('keydown', onDocumentKey, true);
    document.removeEventListener('focusin', onDocumentFocus, true);
  };
}
