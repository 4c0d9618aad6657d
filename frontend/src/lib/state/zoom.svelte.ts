// The window's zoom: Ctrl+plus, Ctrl+minus and Ctrl+0 (App.svelte) scale the
// whole UI with CSS zoom on the root element, which WebKitGTK lays out at the
// smaller width (text reflows, nothing is cut). The level is remembered in
// localStorage: it belongs to this window, not to the conversations.

const KEY = 'brook.zoom';
/** The levels Ctrl+plus and Ctrl+minus step through, as browsers do. */
export const ZOOM_LEVELS = [0.67, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3];

function stored(): number {
  try {
    const v = Number(localStorage.getItem(KEY));
    return ZOOM_LEVELS.includes(v) ? v : 1;
  } catch {
    return 1; // no storage (tests): the default
  }
}

export class Zoom {
  level = $state(stored());

  /** One level up (step 1) or down (step -1), within the levels. */
  step(dir: 1 | -1): void {
    const i = ZOOM_LEVELS.indexOf(this.level);
    const next = ZOOM_LEVELS[Math.max(0, Math.min(ZOOM_LEVELS.length - 1, (i < 0 ? ZOOM_LEVELS.indexOf(1) : i) + dir))];
    this.set(next);
  }

  reset(): void {
    this.set(1);
  }

  set(level: number): void {
    if (!ZOOM_LEVELS.includes(level)) return;
    this.level = level;
    try {
      if (level === 1) localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, String(level));
    } catch {
      // Not remembered: the zoom still applies to this window.
    }
    this.apply();
  }

  /** Puts the level on the root element. */
  apply(): void {
    const root = document.documentElement;
    if (this.level === 1) root.style.removeProperty('zoom');
    else root.style.setProperty('zoom', String(this.level));
  }
}

export const zoom = new Zoom();
