// Stored images' data: URLs (ConversationService.ImageData), fetched when a
// message with images is shown and kept for the last few images. The message
// list is windowed, so a message scrolled back into view asks again; the cap
// keeps memory bounded however long the history.
import { api } from './api';

export const IMAGE_CACHE_MAX = 48;

const cache = new Map<number, string>();
const inFlight = new Map<number, Promise<string>>();

/** The data: URL of a stored image (from the cache, or Go). */
export function imageURL(id: number): Promise<string> {
  const hit = cache.get(id);
  if (hit !== undefined) {
    // Most recently used last: the oldest is dropped first.
    cache.delete(id);
    cache.set(id, hit);
    return Promise.resolve(hit);
  }
  const pending = inFlight.get(id);
  if (pending) return pending;
  const p = api.ConversationService.ImageData(id)
    .then((url) => {
      cache.set(id, url);
      while (cache.size > IMAGE_CACHE_MAX) cache.delete(cache.keys().next().value as number);
      return url;
    })
    .finally(() => inFlight.delete(id));
  inFlight.set(id, p);
  return p;
}

/** Forget every cached image (tests). */
export function clearImageCache(): void {
  cache.clear();
  inFlight.clear();
}

export function imageCacheSize(): number {
  return cache.size;
}
