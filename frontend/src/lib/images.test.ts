import { afterEach, describe, expect, it } from 'vitest';
import { canSee, checkImage, downscalePlan, MAX_IMAGE_BYTES, MAX_SIDE, MAX_SOURCE_BYTES, prepareImage, readBase64 } from './images';

describe('checkImage', () => {
  it('takes PNG, JPEG, WebP and GIF within 10 MB', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/webp', 'image/gif']) {
      expect(checkImage({ name: 'a', type, size: 1000 })).toBe('');
    }
    expect(checkImage({ name: 'a.png', type: 'image/png', size: MAX_IMAGE_BYTES })).toBe('');
  });
  it('refuses other types in plain words', () => {
    expect(checkImage({ name: 'a.bmp', type: 'image/bmp', size: 10 })).toBe('a.bmp is not a PNG, JPEG, WebP or GIF image');
    expect(checkImage({ name: 'notes.txt', type: 'text/plain', size: 10 })).toContain('not a PNG');
  });
  it('takes a photo over 10 MB, which may be drawn smaller', () => {
    expect(checkImage({ name: 'big.jpg', type: 'image/jpeg', size: 15 * 1024 * 1024 })).toBe('');
  });
  it('refuses a file too large to try, saying how large it is', () => {
    expect(checkImage({ name: 'huge.jpg', type: 'image/jpeg', size: MAX_SOURCE_BYTES + 1 })).toBe(
      'huge.jpg is too large (64 MB; Brook makes pictures of up to 64 MB smaller, and sends at most 10 MB per image)',
    );
  });
});

describe('downscalePlan', () => {
  it('keeps images whose longest side is within 2048 px untouched', () => {
    expect(downscalePlan(2048, 1000, 'image/jpeg')).toBeNull();
    expect(downscalePlan(10, 10, 'image/png')).toBeNull();
  });
  it('draws larger JPEGs smaller as JPEG 0.9, keeping the aspect ratio', () => {
    expect(downscalePlan(4096, 3072, 'image/jpeg')).toEqual({ width: MAX_SIDE, height: 1536, mime: 'image/jpeg', quality: 0.9 });
    expect(downscalePlan(1000, 8000, 'image/webp')).toEqual({ width: 256, height: 2048, mime: 'image/jpeg', quality: 0.9 });
  });
  it('keeps PNG, and anything transparent, as PNG', () => {
    expect(downscalePlan(3000, 3000, 'image/png')).toEqual({ width: 2048, height: 2048, mime: 'image/png' });
    expect(downscalePlan(3000, 1500, 'image/gif', true)).toEqual({ width: 2048, height: 1024, mime: 'image/png' });
  });
});

describe('canSee', () => {
  it('is known only when the server says what the model can do', () => {
    expect(canSee({ name: 'eyes', capabilities: ['completion', 'vision'] } as never)).toBe(true);
    expect(canSee({ name: 'tiny', capabilities: ['completion'] } as never)).toBe(false);
    expect(canSee({ name: 'x' } as never)).toBeUndefined();
    expect(canSee(undefined)).toBeUndefined();
  });
});

describe('prepareImage', () => {
  it('reads a small image as base64 without the data: prefix', async () => {
    const g = globalThis as { createImageBitmap?: unknown };
    const before = g.createImageBitmap;
    g.createImageBitmap = async () => ({ width: 10, height: 10, close() {} });
    try {
      const f = new File([new Uint8Array([1, 2, 3])], 'dot.png', { type: 'image/png' });
      expect(await prepareImage(f)).toEqual({ name: 'dot.png', mime: 'image/png', data: 'AQID' });
    } finally {
      g.createImageBitmap = before;
    }
  });
  describe('a large photo', () => {
    const g = globalThis as { createImageBitmap?: unknown };
    const proto = HTMLCanvasElement.prototype as unknown as Record<string, unknown>;
    const saved = { bitmap: g.createImageBitmap, getContext: proto.getContext, toBlob: proto.toBlob };
    let drawnBytes = 0;
    const photo = (mb: number) => new File([new Uint8Array(mb * 1024 * 1024)], 'IMG_0001.jpeg', { type: 'image/jpeg' });

    function camera(width: number, height: number) {
      g.createImageBitmap = async () => ({ width, height, close() {} });
      proto.getContext = () => ({ drawImage() {}, getImageData: (_x: number, _y: number, w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4).fill(255) }) });
      proto.toBlob = function (this: HTMLCanvasElement, done: (b: Blob) => void, mime: string) {
        done(new Blob([new Uint8Array(drawnBytes)], { type: mime }));
      };
    }
    afterEach(() => {
      g.createImageBitmap = saved.bitmap;
      proto.getContext = saved.getContext;
      proto.toBlob = saved.toBlob;
    });

    it('of 15 MB is drawn smaller first, then measured against the limit', async () => {
      camera(6000, 4000);
      drawnBytes = 900 * 1024;
      const got = await prepareImage(photo(15));
      expect(got.mime).toBe('image/jpeg');
      expect(got.name).toBe('IMG_0001.jpeg');
      expect(atob(got.data).length).toBe(drawnBytes);
    });
    it('still over 10 MB once drawn smaller is refused with its size', async () => {
      camera(6000, 4000);
      drawnBytes = MAX_IMAGE_BYTES + 1;
      await expect(prepareImage(photo(15))).rejects.toThrow('IMG_0001.jpeg is too large (10 MB; at most 10 MB per image)');
    });
    it('of 15 MB that is not larger than 2048 px is refused: there is nothing to draw smaller', async () => {
      camera(2048, 1536);
      await expect(prepareImage(photo(15))).rejects.toThrow('IMG_0001.jpeg is too large (15 MB; at most 10 MB per image)');
    });
  });
  it('refuses a wrong type before reading it', async () => {
    await expect(prepareImage(new File(['x'], 'a.svg', { type: 'image/svg+xml' }))).rejects.toThrow('a.svg is not a PNG');
  });
  it('readBase64', async () => {
    expect(await readBase64(new Blob(['hi']))).toBe('aGk=');
  });
});
