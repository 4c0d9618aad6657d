// DOM helpers for test-mode scenarios: they drive the REAL UI.

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves after the window has painted the next frame. */
export function frame(): Promise<void> {
  return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
}

/** waitFor gave up: what it waited for did not happen in time. */
export class TimeoutError extends Error {}

/** Like waitFor, but reports whether `fn` came true within `timeoutMs` instead of failing. */
export async function eventually(fn: () => unknown, timeoutMs = 5000): Promise<boolean> {
  try {
    await waitFor(() => !!fn(), 'a state', timeoutMs);
    return true;
  } catch (e) {
    if (e instanceof TimeoutError) return false;
    throw e;
  }
}

/** Poll `fn` until it returns a truthy value; reject after `timeoutMs` naming `what`. */
export async function waitFor<T>(fn: () => T | null | undefined | false, what: string, timeoutMs = 15000): Promise<T> {
  const t0 = performance.now();
  let lastError: unknown;
  for (;;) {
    let v: T | null | undefined | false;
    try {
      v = fn();
      lastError = undefined;
    } catch (e) {
      // Not there yet (e.g. an element not mounted); kept to explain a timeout.
      v = null;
      lastError = e;
    }
    if (v) return v;
    if (performance.now() - t0 > timeoutMs) {
      const why = lastError === undefined ? '' : ` (last check threw: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new TimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(40);
  }
}

export function $(testid: string, root: ParentNode = document): HTMLElement | null {
  return root.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
}
export function $$(testid: string, root: ParentNode = document): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`));
}

export async function click(el: HTMLElement | null, what: string): Promise<void> {
  if (!el) throw new Error(`cannot click ${what}: not found`);
  if ((el as HTMLButtonElement).disabled) throw new Error(`cannot click ${what}: disabled`);
  el.click();
  await sleep(0);
}

/** Type into an input/textarea the way a user does: set the value, fire input. */
export function setValue(el: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  el.focus();
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

export function pressEnter(el: HTMLElement): void {
  el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 13, bubbles: true, cancelable: true }));
}

export interface ShownMessage {
  id: number;
  role: string;
  state: string;
  /** textContent of the message content, as displayed */
  text: string;
  /** the same without UI chrome (code block headers and copy buttons) */
  plain: string;
}

function plainText(el: Element | null): string {
  if (!el) return '';
  const c = el.cloneNode(true) as Element;
  c.querySelectorAll('.code-header, button, [aria-hidden="true"]').forEach((x) => x.remove());
  return (c.textContent ?? '').trim();
}

export function shownMessages(): ShownMessage[] {
  return $$('message').map((el) => ({
    id: Number(el.dataset.messageId),
    role: el.dataset.role ?? '',
    state: el.dataset.state ?? '',
    text: ($('message-content', el)?.textContent ?? '').trim(),
    plain: plainText($('message-content', el)),
  }));
}
