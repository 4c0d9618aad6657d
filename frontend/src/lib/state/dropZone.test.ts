// Where a dropped file imports: everywhere --wails-drop-target is "drop"
// (the window), never on the composer ("none"), whose own drop attaches it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DropZoneStore, carriesFiles } from './dropZone.svelte';

let zone: DropZoneStore;
let page: HTMLElement;
let composer: HTMLElement;
let detach: () => void;

beforeEach(() => {
  document.body.innerHTML = '<main id="page"><p>messages</p><div id="composer"><textarea></textarea></div></main>';
  document.body.style.setProperty('--wails-drop-target', 'drop');
  page = document.getElementById('page')!;
  composer = document.getElementById('composer')!;
  composer.style.setProperty('--wails-drop-target', 'none');
  zone = new DropZoneStore();
  detach = zone.attach(document.body);
});
afterEach(() => {
  detach();
  document.body.innerHTML = '';
  document.body.style.removeProperty('--wails-drop-target');
});

/** A drag event as WebKitGTK sends it for a file manager's drag: text/uri-list, no "Files". */
function dragEvent(type: string, types = ['text/uri-list', 'text/html']): DragEvent {
  const e = new Event(type, { bubbles: true, cancelable: true }) as DragEvent;
  Object.defineProperty(e, 'dataTransfer', { value: { types, dropEffect: 'none' } });
  return e;
}

describe('the drop zone', () => {
  it('takes file drags, as WebKitGTK or other engines show them, and not text', () => {
    expect(carriesFiles(dragEvent('dragover'))).toBe(true);
    expect(carriesFiles(dragEvent('dragover', ['Files']))).toBe(true);
    expect(carriesFiles(dragEvent('dragover', ['text/plain']))).toBe(false);
  });

  it('says "drop to import" over the page, accepts the drop there and keeps the webview from opening the file', () => {
    page.querySelector('p')!.dispatchEvent(dragEvent('dragenter'));
    const over = dragEvent('dragover');
    page.querySelector('p')!.dispatchEvent(over);
    expect(zone.active).toBe(true);
    expect(over.defaultPrevented).toBe(true);
    const drop = dragEvent('drop');
    page.querySelector('p')!.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    expect(zone.active).toBe(false);
  });

  it('leaves a drag over the composer to the composer', () => {
    const textarea = composer.querySelector('textarea')!;
    textarea.dispatchEvent(dragEvent('dragenter'));
    const over = dragEvent('dragover');
    textarea.dispatchEvent(over);
    expect(zone.active).toBe(false);
    expect(over.defaultPrevented).toBe(false); // the textarea's own behaviour, as without Brook's drop
    const drop = dragEvent('drop');
    textarea.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(false);
  });

  it('hides the hint when the drag leaves the window', () => {
    page.dispatchEvent(dragEvent('dragenter'));
    page.dispatchEvent(dragEvent('dragover'));
    expect(zone.active).toBe(true);
    page.dispatchEvent(dragEvent('dragleave'));
    expect(zone.active).toBe(false);
  });

  it('imports a native drop let go on the page, not one let go on the composer', () => {
    const at = new Map<string, Element>([
      ['page', page],
      ['composer', composer.querySelector('textarea')!],
    ]);
    const original = document.elementFromPoint;
    document.elementFromPoint = (x: number) => (x < 100 ? at.get('page')! : at.get('composer')!);
    try {
      expect(zone.takes(10, 10)).toBe(true);
      expect(zone.takes(500, 10)).toBe(false);
      expect(zone.ignored).toBe(1);
    } finally {
      document.elementFromPoint = original;
    }
  });
});
