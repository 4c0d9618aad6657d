import { beforeEach, describe, expect, it } from 'vitest';
import { setApi } from './api';
import { createFakeApi, FAKE_REASON_TEXTS, type FakeApi } from './fake';
import { loadReasonTexts, reasonText, recoveredDescription, recoveredText } from './reasons';
import { loaded } from './reasonTexts.svelte';

let fake: FakeApi;
beforeEach(() => {
  fake = createFakeApi();
  setApi(fake);
  loaded.texts = null;
});

describe('reason texts', () => {
  it('are read from Go and looked up as they are', async () => {
    await loadReasonTexts();
    expect(reasonText('dropped')).toBe(FAKE_REASON_TEXTS.reasons.dropped);
    expect(reasonText('stop')).toBe(''); // a whole answer: Go has no words for it
    expect(recoveredDescription('dropped', 'continued')).toBe('Go label: continued after dropped');
    expect(recoveredDescription('dropped', undefined)).toBe('Go label: fetched again after dropped');
    expect(recoveredText('dropped')).toBe('Go title: fetched again after dropped');
  });

  it('take the words Go gives for any reason when it has none for this one', async () => {
    await loadReasonTexts();
    expect(recoveredDescription('idle_timeout', 'reasked')).toBe('Go label: asked again');
    expect(recoveredText('no_such_reason')).toBe('Go title: fetched again');
    expect(recoveredDescription(null, null)).toBe('Go label: fetched again');
  });

  it('show a code Go has no words for as itself', async () => {
    await loadReasonTexts();
    expect(reasonText('content_filter')).toBe('content filter');
    expect(reasonText('The connection to Ollama dropped.')).toBe('The connection to Ollama dropped.');
    expect(reasonText(undefined)).toBe('');
  });

  it('before Go answered, say no more than the code and "Recovered"', () => {
    expect(reasonText('idle_timeout')).toBe('idle timeout');
    expect(recoveredDescription('dropped', 'continued')).toBe('Recovered');
    expect(recoveredText('dropped')).toBe('Recovered');
  });

  it('fail loudly when Go cannot be asked', async () => {
    fake.SystemService.ReasonTexts = async () => {
      throw "Brook's backend is not connected";
    };
    await expect(loadReasonTexts()).rejects.toBe("Brook's backend is not connected");
    expect(loaded.texts).toBeNull();
  });
});
