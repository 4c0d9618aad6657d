// Settings → Language: chosen and saved, the window speaks it at once (no
// restart), <html lang> follows, and the empty choice follows the desktop.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi } from '../api';
import { createFakeApi } from '../fake';
import SettingsView from '../components/SettingsView.svelte';
import { settings } from '../state/settings.svelte';
import { i18n, setLocale } from './t.svelte';
import { dirOf, resolveLocale } from './locales';
import de from './locales/de.json';

describe('choosing the language in Settings', () => {
  beforeEach(async () => {
    setApi(createFakeApi());
    await settings.load();
  });
  afterEach(async () => {
    cleanup();
    await setLocale('en');
  });

  it('switches the window when saved, without a restart, and back to the desktop language with the empty choice', async () => {
    const r = render(SettingsView);
    const select = (await vi.waitFor(() => r.getByTestId('language-select'))) as HTMLSelectElement;
    expect(i18n.locale).toBe('en'); // jsdom's desktop says en-US
    await fireEvent.change(select, { target: { value: 'de' } });
    await fireEvent.click(r.getByTestId('save-settings'));
    await vi.waitFor(() => expect(i18n.locale).toBe('de'));
    flushSync();
    expect(document.documentElement.lang).toBe('de');
    expect(settings.value?.language).toBe('de');
    // The open view re-renders in German.
    expect(r.getByTestId('save-settings').textContent).toBe(de['settingsView.saveSettings']);

    await fireEvent.change(r.getByTestId('language-select'), { target: { value: '' } });
    await fireEvent.click(r.getByTestId('save-settings'));
    await vi.waitFor(() => expect(i18n.locale).toBe('en'));
    expect(settings.value?.language).toBe('');
  });
});

describe('which language', () => {
  it('takes the choice when shipped, else the first desktop language shipped, by language when the region differs, else English', () => {
    expect(resolveLocale('ja', ['de-DE'])).toBe('ja');
    expect(resolveLocale('', ['xx', 'de-AT', 'fr'])).toBe('de');
    expect(resolveLocale('', ['pt-PT'])).toBe('pt-BR');
    expect(resolveLocale('', ['zh-TW'])).toBe('zh-CN');
    expect(resolveLocale('', ['ru_RU'])).toBe('ru');
    expect(resolveLocale('tlh', ['xx'])).toBe('en');
    expect(resolveLocale('en-XA', [])).toBe('en-XA');
  });
  it('knows which languages are written right to left', () => {
    expect(dirOf('ar')).toBe('rtl');
    expect(dirOf('he-IL')).toBe('rtl');
    expect(dirOf('ja')).toBe('ltr');
  });
});
