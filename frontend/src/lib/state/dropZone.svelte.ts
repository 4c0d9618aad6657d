// Whether files are being dragged over a part of the window where dropping
// them imports (everything but the composer), so the window can say so;
// and the guard that keeps such a drop from making the webview open the
// file in place of Brook. The paths themselves come from Wails' native
// drop (api.events.onFileDrop): WebKitGTK shows a file manager's drag to
// the page as text/uri-list, without "Files", so the page never reads them.

/** The CSS property Wails checks for where a drop imports ("drop") or not ("none"). */
export const DROP_PROPERTY = '--wails-drop-target';

/** A drag of files, as WebKitGTK (text/uri-list) or other engines (Files) show it. */
export function carriesFiles(e: DragEvent): boolean {
  const types = Array.from(e.dataTransfer?.types ?? []);
  return types.includes('Files') || types.includes('text/uri-list');
}

/**
 * Whether a drop on el imports: el has --wails-drop-target: drop, from its
 * own style or the nearest ancestor's that sets it (the property inherits;
 * the walk is for engines whose computed style does not say so).
 */
export function importsHere(el: EventTarget | null): boolean {
  for (let n = el instanceof Element ? el : null; n; n = n.parentElement) {
    const v = getComputedStyle(n).getPropertyValue(DROP_PROPERTY).trim();
    if (v) return v === 'drop';
  }
  return false;
}

export class DropZoneStore {
  /** Files are over a part of the window where a drop imports. */
  active = $state(false);
  /** Drops let go where they do not import (on the composer), which Go told of too. */
  ignored = $state(0);
  /** dragenter minus dragleave: the drag is over the window while above 0. */
  private depth = 0;

  /**
   * Whether a native drop let go at (x, y) imports: what is there has
   * --wails-drop-target: drop. A drop on the composer is its own.
   */
  takes(x: number, y: number): boolean {
    const el = typeof document.elementFromPoint === 'function' ? document.elementFromPoint(x, y) : null;
    const ok = importsHere(el ?? document.body);
    if (!ok) this.ignored++;
    return ok;
  }

  /** Listens on target (the window); returns the undo. */
  attach(target: Window | HTMLElement = window): () => void {
    const enter = (e: Event) => {
      if (!carriesFiles(e as DragEvent)) return;
      this.depth++;
      this.active = importsHere(e.target);
    };
    const over = (e: Event) => {
      if (!carriesFiles(e as DragEvent) || !importsHere(e.target)) {
        this.active = false;
        return;
      }
      // Accepting the drag here lets the drop reach the page, which then
      // keeps it from opening the file (drop, below).
      e.preventDefault();
      const dt = (e as DragEvent).dataTransfer;
      if (dt) dt.dropEffect = 'copy';
      this.active = true;
    };
    const leave = (e: Event) => {
      if (!carriesFiles(e as DragEvent)) return;
      this.depth = Math.max(0, this.depth - 1);
      if (this.depth === 0) this.active = false;
    };
    const drop = (e: Event) => {
      this.depth = 0;
      this.active = false;
      // The composer took its drop already (it stops nothing); elsewhere the
      // path goes to Go by Wails' native drop, and the page must not
      // navigate to the file.
      if (carriesFiles(e as DragEvent) && importsHere(e.target)) e.preventDefault();
    };
    target.addEventListener('dragenter', enter);
    target.addEventListener('dragover', over);
    target.addEventListener('dragleave', leave);
    target.addEventListener('drop', drop);
    return () => {
      target.removeEventListener('dragenter', enter);
      target.removeEventListener('dragover', over);
      target.removeEventListener('dragleave', leave);
      target.removeEventListener('drop', drop);
      this.depth = 0;
      this.active = false;
    };
  }
}

export const dropZone = new DropZoneStore();
