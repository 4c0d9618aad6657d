import { t } from './lib/i18n/t.svelte';
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { hasBackend, setApi } from './lib/api';
import { showFatal } from './lib/fatal';
import { toasts } from './lib/state/toasts.svelte';
import { ui } from './lib/state/ui.svelte';
import { applyLanguage } from './lib/i18n/t.svelte';

async function start() {
  // In a plain browser (npm run dev without Wails) preview the UI with a fake backend.
  if (!hasBackend() && import.meta.env.DEV) {
    const { createPreviewApi } = await import('./lib/fake/preview');
    setApi(await createPreviewApi());
  }
  const target = document.getElementById('app')!;
  ui.applyTheme(undefined); // follow the system until the settings load, so there is no light flash
  await applyLanguage(''); // the desktop's language until the settings say otherwise
  try {
    mount(App, { target });
  } catch (e) {
    showFatal(e);
  }
}

window.addEventListener('error', (e) => console.error('brook:', e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => {
  console.error('brook: unhandled', e.reason);
  toasts.fail(t('main.somethingWentWrong'), e.reason);
});

start();
