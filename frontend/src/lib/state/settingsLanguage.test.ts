// Go words the reasons in the language of the settings: saving a new
// language asks Go for the words again, so stored reason codes are
// reworded; saving anything else does not.
import { beforeEach, describe, expect, it } from 'vitest';
import { setApi } from '../api';
import { createFakeApi, type FakeApi } from '../fake';
import { reasonText } from '../reasons';
import { loaded } from '../reasonTexts.svelte';
import { settings } from './settings.svelte';

let fake: FakeApi;
let asked: number;
/** The settings as plain data, as the Settings view hands them over. */
const plain = () => JSON.parse(JSON.stringify(settings.value)) as NonNullable<typeof settings.value>;

beforeEach(async () => {
  fake = createFakeApi({});
  setApi(fake);
  asked = 0;
  fake.SystemService.ReasonTexts = async () => {
    asked++;
    return { reasons: { dropped: asked > 1 ? 'Die Verbindung ist mitten in der Antwort abgebrochen' : 'The connection dropped mid-answer' }, recovered: [] };
  };
  loaded.texts = await fake.SystemService.ReasonTexts();
  await settings.load();
});

describe('a new language', () => {
  it('rewords the reasons Go sent', async () => {
    expect(reasonText('dropped')).toBe('The connection dropped mid-answer');
    expect(await settings.save({ ...plain(), language: 'de' })).toBe(true);
    await expect.poll(() => reasonText('dropped')).toBe('Die Verbindung ist mitten in der Antwort abgebrochen');
  });

  it('is the only change that asks for the words again', async () => {
    expect(await settings.save({ ...plain(), theme: 'dark' })).toBe(true);
    expect(asked).toBe(1);
  });
});
