// The user's preferences as last loaded or saved (Settings → Save).
import { t } from '../i18n/t.svelte';
import { api, type Settings } from '../api';
import { loadReasonTexts } from '../reasons';
import { toasts } from './toasts.svelte';
import { applyLanguage } from '../i18n/t.svelte';
import { ui } from './ui.svelte';

export class SettingsStore {
  value = $state<Settings | null>(null);
  private saved = new Set<(s: Settings) => void>();

  /** Loads the settings and applies the theme; rejects with Go's reason. */
  async load(): Promise<void> {
    const s = await api.SettingsService.Get();
    this.value = s;
    ui.applyTheme(s.theme);
    await applyLanguage(s.language);
  }

  /** Saves; false (after an error toast) when Go refused. */
  async save(s: Settings): Promise<boolean> {
    try {
      await api.SettingsService.Save(s);
    } catch (e) {
      toasts.fail(t('settings.couldNotSaveSettings'), e);
      return false;
    }
    const before = this.value?.language;
    this.value = s;
    ui.applyTheme(s.theme);
    await applyLanguage(s.language);
    // Go's words for reasons follow the new language: ask for them again.
    if (before !== undefined && before !== s.language) {
      loadReasonTexts().catch((e) => toasts.fail(t('settings.couldNotReadReasonWords'), e));
    }
    for (const cb of this.saved) cb(s);
    return true;
  }

  /** Called after every successful save (e.g. a new chat follows a new Default model). */
  onSaved(cb: (s: Settings) => void): () => void {
    this.saved.add(cb);
    return () => this.saved.delete(cb);
  }
}

export const settings = new SettingsStore();
