import { t, fmtNumber } from './i18n/t.svelte';
// Images for a vision model: which files are taken (type, size), how large
// ones are made smaller before they are sent, and the base64 Go receives.
// The limits are Go's (ChatService.SendWithImages refuses beyond them).
import type { ImageInput, ModelInfo } from './api';

/** The capability of a model that can see images. */
export const CAPABILITY_VISION = 'vision';
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
/** For the file input's accept attribute. */
export const IMAGE_ACCEPT = IMAGE_TYPES.join(',');
export const MAX_IMAGES = 8;
/** The most an image may be as sent, once drawn smaller when it was large. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** The largest file Brook tries to draw smaller (a camera's photo is 5–25 MB). */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;
/** Longer sides are drawn smaller before sending. */
export const MAX_SIDE = 2048;
export const JPEG_QUALITY = 0.9;

/**
 * Whether the model can see images: true/false when the server says what it
 * can do, undefined when it does not say (Go then lets images through).
 */
export function canSee(m: ModelInfo | undefined): boolean | undefined {
  if (!m?.capabilities?.length) return undefined;
  return m.capabilities.includes(CAPABILITY_VISION);
}

function mb(bytes: number): string {
  return t('units.mb', { n: fmtNumber(bytes / (1024 * 1024), 1) });
}

/**
 * Why a file is not even tried, in plain words; '' when it is. A file over
 * MAX_IMAGE_BYTES is tried: drawn smaller, it may fit ([prepareImage]).
 */
export function checkImage(f: { name: string; type: string; size: number }): string {
  if (!(IMAGE_TYPES as readonly string[]).includes(f.type)) {
    return t('images.notImage', { name: f.name });
  }
  if (f.size > MAX_SOURCE_BYTES) {
    return t('images.tooLargeSource', { name: f.name, size: mb(f.size), source: mb(MAX_SOURCE_BYTES), max: mb(MAX_IMAGE_BYTES) });
  }
  return '';
}

/** Why an image as it would be sent is refused; '' when it fits. */
function checkSent(name: string, size: number): string {
  return size > MAX_IMAGE_BYTES ? t('images.tooLarge', { name, size: mb(size), max: mb(MAX_IMAGE_BYTES) }) : '';
}

export interface DownscalePlan {
  width: number;
  height: number;
  mime: 'image/jpeg' | 'image/png';
  /** For JPEG. */
  quality?: number;
}

/**
 * Whether (and how) an image is drawn smaller: null when its longest side is
 * within MAX_SIDE (sent untouched). PNG stays PNG, and so does anything with
 * transparency; the rest becomes JPEG at 0.9.
 */
export function downscalePlan(width: number, height: number, mime: string, hasAlpha = false): DownscalePlan | null {
  const longest = Math.max(width, height);
  if (longest <= MAX_SIDE) return null;
  const k = MAX_SIDE / longest;
  const w = Math.max(1, Math.round(width * k));
  const h = Math.max(1, Math.round(height * k));
  if (mime === 'image/png' || hasAlpha) return { width: w, height: h, mime: 'image/png' };
  return { width: w, height: h, mime: 'image/jpeg', quality: JPEG_QUALITY };
}

/** The base64 of a blob, without the data: prefix. */
export function readBase64(b: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const s = String(r.result ?? '');
      const i = s.indexOf(',');
      resolve(i >= 0 ? s.slice(i + 1) : s);
    };
    r.onerror = () => reject(new Error('Could not read the image'));
    r.readAsDataURL(b);
  });
}

type Source = { width: number; height: number; draw: CanvasImageSource; close(): void };

async function decode(f: Blob): Promise<Source> {
  if (typeof createImageBitmap === 'function') {
    const b = await createImageBitmap(f);
    return { width: b.width, height: b.height, draw: b, close: () => b.close() };
  }
  const url = URL.createObjectURL(f);
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('not an image'));
      img.src = url;
    });
    return { width: img.naturalWidth, height: img.naturalHeight, draw: img, close: () => {} };
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Whether any pixel of the canvas is not fully opaque. */
function anyTransparent(ctx: CanvasRenderingContext2D, w: number, h: number): boolean {
  const d = ctx.getImageData(0, 0, w, h).data;
  for (let i = 3; i < d.length; i += 4) if (d[i] < 255) return true;
  return false;
}

function toBlob(c: HTMLCanvasElement, mime: string, quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    c.toBlob((b) => (b ? resolve(b) : reject(new Error('Could not make the image smaller'))), mime, quality),
  );
}

/**
 * Checks a file and makes what Go receives: the file as it is, or drawn
 * smaller when its longest side is over MAX_SIDE. The size limit applies to
 * what is sent, after drawing smaller, so a large photo is not refused before
 * it could shrink. Rejects with plain words.
 */
export async function prepareImage(f: File): Promise<ImageInput> {
  const bad = checkImage(f);
  if (bad) throw new Error(bad);
  let src: Source;
  try {
    src = await decode(f);
  } catch {
    throw new Error(`${f.name} could not be read as an image`);
  }
  try {
    let plan = downscalePlan(src.width, src.height, f.type);
    if (!plan) {
      const tooLarge = checkSent(f.name, f.size);
      if (tooLarge) throw new Error(tooLarge);
      return { name: f.name, mime: f.type, data: await readBase64(f) };
    }
    const c = document.createElement('canvas');
    c.width = plan.width;
    c.height = plan.height;
    const ctx = c.getContext('2d');
    if (!ctx) throw new Error(`${f.name} could not be made smaller`);
    ctx.drawImage(src.draw, 0, 0, plan.width, plan.height);
    // WebP and GIF may be transparent: keep that (PNG) rather than turn it black.
    if (plan.mime === 'image/jpeg' && f.type !== 'image/jpeg' && anyTransparent(ctx, plan.width, plan.height)) {
      plan = downscalePlan(src.width, src.height, f.type, true)!;
    }
    const out = await toBlob(c, plan.mime, plan.quality);
    const tooLarge = checkSent(f.name, out.size);
    if (tooLarge) throw new Error(tooLarge);
    const name = plan.mime === f.type ? f.name : f.name.replace(/\.[^.]*$/, '') + (plan.mime === 'image/png' ? '.png' : '.jpg');
    return { name, mime: plan.mime, data: await readBase64(out) };
  } finally {
    src.close();
  }
}
