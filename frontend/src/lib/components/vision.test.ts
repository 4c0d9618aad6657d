import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, fireEvent, cleanup } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { setApi } from '../api';
import { createFakeApi, msg, survey, type FakeApi } from '../fake';
import { chat } from '../state/chat.svelte';
import { attachments } from '../state/attachments.svelte';
import { models } from '../state/models.svelte';
import { toasts } from '../state/toasts.svelte';
import { clearImageCache } from '../imageCache';
import Composer from './Composer.svelte';
import MessageItem from './MessageItem.svelte';

let fake: FakeApi;
const g = globalThis as unknown as { createImageBitmap?: unknown };
const urlApi = URL as unknown as { createObjectURL?: unknown; revokeObjectURL?: unknown };
let revoked: string[] = [];

beforeEach(async () => {
  fake = createFakeApi({
    models: [
      survey({
        endpoint: { id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true },
        models: [
          { name: 'eyes:latest', capabilities: ['completion', 'vision'] },
          { name: 'tiny:latest', capabilities: ['completion'] },
        ],
      }),
    ],
  });
  setApi(fake);
  // jsdom has neither object URLs nor image decoding.
  let n = 0;
  revoked = [];
  urlApi.createObjectURL = () => `blob:test/${++n}`;
  urlApi.revokeObjectURL = (u: string) => revoked.push(u);
  g.createImageBitmap = async () => ({ width: 64, height: 48, close() {} });
  chat.newChat();
  for (const im of [...attachments.images]) attachments.remove(im.key);
  revoked = [];
  await models.refresh(true);
  models.select({ endpointId: 'ollama', model: 'eyes:latest' });
  toasts.clear();
  clearImageCache();
});
afterEach(() => {
  cleanup();
  delete g.createImageBitmap;
  delete urlApi.createObjectURL;
  delete urlApi.revokeObjectURL;
});

const png = (name: string, bytes = 4) => new File([new Uint8Array(bytes).fill(7)], name, { type: 'image/png' });
const toastTexts = () => toasts.toasts.map((t) => t.text);
const callsOf = (m: string) => fake.calls.filter((c) => c.method === m);

async function pick(input: HTMLInputElement, files: File[]) {
  Object.defineProperty(input, 'files', { value: files, configurable: true });
  await fireEvent.change(input);
}
async function paste(el: HTMLElement, files: File[]) {
  const items = files.map((f) => ({ kind: 'file', type: f.type, getAsFile: () => f }));
  return fireEvent.paste(el, { clipboardData: { items, files, types: ['Files'] } });
}
async function type(el: HTMLTextAreaElement, text: string) {
  el.value = text;
  await fireEvent.input(el);
}

describe('Composer images (vision model)', () => {
  it('attaches via the file input and paste, removes one, and sends the rest; then they are cleared', async () => {
    const r = render(Composer);
    const input = r.getByTestId('attach-input') as HTMLInputElement;
    expect(input.getAttribute('accept')).toBe('image/png,image/jpeg,image/webp,image/gif');
    expect(r.getByTestId('attach')).toBeTruthy();
    await pick(input, [png('a.png'), png('b.png')]);
    const ta = r.getByTestId('composer') as HTMLTextAreaElement;
    const notPrevented = await paste(ta, [png('c.png')]);
    expect(notPrevented).toBe(false); // the image is taken, not pasted as text
    await vi.waitFor(() => expect(r.getAllByTestId('attached-image')).toHaveLength(3));
    const thumbs = r.getAllByTestId('attached-image') as HTMLImageElement[];
    expect(thumbs.map((t) => t.alt)).toEqual(['a.png', 'b.png', 'c.png']);
    expect(thumbs[1].title).toBe('b.png');

    await fireEvent.click(r.getAllByTestId('remove-image')[1]);
    expect((r.getAllByTestId('attached-image') as HTMLImageElement[]).map((t) => t.alt)).toEqual(['a.png', 'c.png']);
    expect(revoked).toEqual([thumbs[1].src]);

    await type(ta, 'What is in these?');
    await fireEvent.keyDown(ta, { key: 'Enter' });
    await vi.waitFor(() => expect(callsOf('SendWithImages')).toHaveLength(1));
    const [convId, text, ep, model, images] = callsOf('SendWithImages')[0].args as [number, string, string, string, { name: string; mime: string; data: string }[]];
    expect([convId, text, ep, model]).toEqual([0, 'What is in these?', 'ollama', 'eyes:latest']);
    expect(images).toEqual([
      { name: 'a.png', mime: 'image/png', data: 'BwcHBw==' },
      { name: 'c.png', mime: 'image/png', data: 'BwcHBw==' },
    ]);
    expect(callsOf('Send')).toHaveLength(0);
    await vi.waitFor(() => expect(r.queryAllByTestId('attached-image')).toHaveLength(0));
    expect(attachments.images).toHaveLength(0);
    expect(revoked).toHaveLength(3);
  });

  it('sends pictures without text: Send is enabled and sends them', async () => {
    const r = render(Composer);
    const sendButton = r.getByTestId('send') as HTMLButtonElement;
    expect(sendButton.disabled).toBe(true); // nothing to send yet
    await pick(r.getByTestId('attach-input') as HTMLInputElement, [png('only.png')]);
    await vi.waitFor(() => expect(r.getAllByTestId('attached-image')).toHaveLength(1));
    flushSync();
    expect(sendButton.disabled).toBe(false);
    await fireEvent.click(sendButton);
    await vi.waitFor(() => expect(callsOf('SendWithImages')).toHaveLength(1));
    const [, text, , , images] = callsOf('SendWithImages')[0].args as [number, string, string, string, { name: string }[]];
    expect(text).toBe('');
    expect(images.map((i) => i.name)).toEqual(['only.png']);
    await vi.waitFor(() => expect(attachments.images).toHaveLength(0));
    expect(chat.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['']);
  });

  it('plain text pastes as usual', async () => {
    const r = render(Composer);
    const ta = r.getByTestId('composer');
    const notPrevented = await fireEvent.paste(ta, { clipboardData: { items: [{ kind: 'string', type: 'text/plain', getAsFile: () => null }], files: [], types: ['text/plain'], getData: () => 'hi' } });
    expect(notPrevented).toBe(true);
  });

  it('a drop on the composer attaches images', async () => {
    const r = render(Composer);
    const box = r.getByTestId('composer-box');
    const f = png('dropped.png');
    await fireEvent.drop(box, { dataTransfer: { items: [{ kind: 'file', type: f.type, getAsFile: () => f }], files: [f], types: ['Files'] } });
    await vi.waitFor(() => expect(r.getAllByTestId('attached-image')).toHaveLength(1));
  });

  it('refuses a wrong type and an image over 10 MB with clear words', async () => {
    const r = render(Composer);
    const input = r.getByTestId('attach-input') as HTMLInputElement;
    const big = new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'huge.png', { type: 'image/png' });
    await pick(input, [new File(['x'], 'scan.bmp', { type: 'image/bmp' }), big]);
    await tick();
    expect(toastTexts()).toEqual([
      'Could not attach the image: scan.bmp is not a PNG, JPEG, WebP or GIF image',
      'Could not attach the image: huge.png is too large (10 MB; at most 10 MB per image)',
    ]);
    expect(r.queryAllByTestId('attached-image')).toHaveLength(0);
  });

  it('takes at most 8 images', async () => {
    const r = render(Composer);
    const input = r.getByTestId('attach-input') as HTMLInputElement;
    await pick(input, Array.from({ length: 9 }, (_, i) => png(`p${i}.png`)));
    await vi.waitFor(() => expect(r.getAllByTestId('attached-image')).toHaveLength(8));
    expect(toastTexts()).toEqual(['At most 8 images per message; p8.png was not attached.']);
  });

  it('keeps the images (and the text) when the send fails, with Go\'s reason', async () => {
    const r = render(Composer);
    await pick(r.getByTestId('attach-input') as HTMLInputElement, [png('keep.png')]);
    await vi.waitFor(() => expect(r.getAllByTestId('attached-image')).toHaveLength(1));
    vi.spyOn(fake.ChatService, 'SendWithImages').mockRejectedValueOnce('the server refused the image');
    const ta = r.getByTestId('composer') as HTMLTextAreaElement;
    await type(ta, 'look');
    await fireEvent.keyDown(ta, { key: 'Enter' });
    await vi.waitFor(() => expect(toastTexts()).toContain('Could not send: the server refused the image'));
    flushSync();
    expect(r.getAllByTestId('attached-image')).toHaveLength(1);
    expect(attachments.images.map((i) => i.name)).toEqual(['keep.png']);
    expect(ta.value).toBe('look');
    expect(revoked).toHaveLength(0);
  });
});

describe('Composer images (model without vision)', () => {
  beforeEach(() => {
    models.select({ endpointId: 'ollama', model: 'tiny:latest' });
  });

  it('has no attach button, and a paste or drop of images only shows a toast', async () => {
    const r = render(Composer);
    expect(r.queryByTestId('attach')).toBeNull();
    expect(r.queryByTestId('attach-input')).toBeNull();
    await paste(r.getByTestId('composer'), [png('a.png')]);
    const f = png('b.png');
    await fireEvent.drop(r.getByTestId('composer-box'), { dataTransfer: { items: [{ kind: 'file', type: f.type, getAsFile: () => f }], files: [f], types: ['Files'] } });
    await tick();
    expect(toastTexts()).toEqual([
      'tiny:latest cannot see images; pick a vision model',
      'tiny:latest cannot see images; pick a vision model',
    ]);
    expect(toasts.toasts[0].kind).toBe('error');
    expect(attachments.images).toHaveLength(0);
    expect(r.queryByTestId('attached-images')).toBeNull();
  });

  it('a plain send still works', async () => {
    const r = render(Composer);
    const ta = r.getByTestId('composer') as HTMLTextAreaElement;
    await type(ta, 'hello');
    await fireEvent.keyDown(ta, { key: 'Enter' });
    await vi.waitFor(() => expect(callsOf('Send')).toHaveLength(1));
    expect(callsOf('SendWithImages')).toHaveLength(0);
  });
});

describe('History images', () => {
  it('shows a user message\'s images as thumbnails, read lazily, and opens one at full size (Esc closes)', async () => {
    const m = msg({
      conversationId: 1,
      role: 'user',
      content: 'What is this?',
      images: [
        { id: 501, messageId: 0, name: 'cat.png', mime: 'image/png', width: 1, height: 1, size: 70 },
        { id: 502, messageId: 0, name: 'dog.jpg', mime: 'image/jpeg', width: 1, height: 1, size: 70 },
      ],
    });
    fake.db.messages.push(m);
    fake.db.imageData[502] = 'AQID';
    expect(callsOf('ImageData')).toHaveLength(0);
    const r = render(MessageItem, { message: m });
    await vi.waitFor(() => expect(r.getAllByTestId('message-image')).toHaveLength(2));
    expect(callsOf('ImageData').map((c) => c.args[0])).toEqual([501, 502]);
    const imgs = r.getAllByTestId('message-image').map((b) => b.querySelector('img')!);
    expect(imgs[0].alt).toBe('cat.png');
    expect(imgs[0].src).toMatch(/^data:image\/png;base64,/);
    expect(imgs[1].src).toBe('data:image/jpeg;base64,AQID');
    // The images come before the text.
    const content = r.getByTestId('message-content');
    expect(r.getByTestId('message-images').compareDocumentPosition(content) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    await fireEvent.click(r.getAllByTestId('message-image')[1]);
    const overlay = document.querySelector('[data-testid="image-overlay"]') as HTMLElement;
    expect(overlay).toBeTruthy();
    expect(overlay.querySelector('img')!.src).toBe('data:image/jpeg;base64,AQID');
    flushSync();
    expect(document.activeElement).toBe(overlay);
    const ev = await fireEvent.keyDown(overlay, { key: 'Escape' });
    expect(ev).toBe(false); // handled: App's Esc (stop) is not triggered
    expect(document.querySelector('[data-testid="image-overlay"]')).toBeNull();

    // Shown again (the list is windowed): read from the cache, not from Go.
    cleanup();
    const again = render(MessageItem, { message: m });
    await vi.waitFor(() => expect(again.getAllByTestId('message-image')).toHaveLength(2));
    expect(callsOf('ImageData')).toHaveLength(2);
  });
});
