import { t } from './i18n/t.svelte';
import { errorText } from './api';

/** Last-resort error screen in plain DOM, for when Svelte itself could not mount. */
export function showFatal(e: unknown): void {
  const el = document.getElementById('app') ?? document.body;
  el.innerHTML = '';
  const box = document.createElement('div');
  box.className = 'fatal';
  box.setAttribute('role', 'alert');
  const h = document.createElement('h1');
  h.textContent = t('fatal.problem');
  const p = document.createElement('p');
  p.textContent = errorText(e);
  const b = document.createElement('button');
  b.textContent = t('app.reload');
  b.onclick = () => location.reload();
  box.append(h, p, b);
  el.append(box);
}
