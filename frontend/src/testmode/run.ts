import { api } from '../lib/api';
import { toasts } from '../lib/state/toasts.svelte';
import { setLocale } from '../lib/i18n/t.svelte';

/** Only test builds bind TestService (app/testhooks.go). */
function testBuild(): boolean {
  const w = window as unknown as { go?: { app?: { TestService?: unknown } } };
  return typeof w.go?.app?.TestService === 'object';
}

/** Ask Go whether a test scenario should run; if so run it and report (Go then quits). */
export async function maybeRunTestMode(): Promise<void> {
  let name = '';
  try {
    name = (await api.TestService.Scenario()) ?? '';
  } catch (e) {
    // A release build has no TestService to ask: that is no error.
    if (testBuild()) toasts.fail('Could not ask which test scenario to run', e);
    return;
  }
  if (!name) return;
  // "pose:answered;lang=ja": the scenario runs in that language (the pseudo-locale en-XA included),
  // as if chosen in Settings but without saving it.
  const lang = /;lang=([\w-]+)$/.exec(name);
  if (lang) {
    name = name.slice(0, lang.index);
    await setLocale(lang[1]);
  }
  const { runScenario } = await import('./scenarios');
  const result = await runScenario(name);
  try {
    await api.TestService.Report(JSON.stringify(result));
  } catch (e) {
    console.error('brook: could not report the test result', e, result);
  }
  // In a language, once the test has made the window small, say which labels do not fit.
  if (lang) window.addEventListener('resize', () => setTimeout(() => void markCut(), 300), { once: true });
}

/**
 * Labels whose text is wider than their box where the box clips it (a nowrap,
 * hidden or ellipsis overflow): "i18n-cut:0", or the count and the first few.
 */
async function markCut(): Promise<void> {
  const cut: string[] = [];
  for (const el of document.querySelectorAll<HTMLElement>('button, label, th, h1, h2, h3, summary, .chip, [role="menuitem"], [role="option"]')) {
    // Hidden, or visually hidden for screen readers (a 1 px clipped box).
    if (!el.offsetParent || el.clientWidth <= 1) continue;
    const cs = getComputedStyle(el);
    const clips = cs.overflowX !== 'visible' || cs.textOverflow === 'ellipsis';
    if (clips && el.scrollWidth > el.clientWidth + 1) cut.push((el.textContent ?? '').trim().slice(0, 40));
  }
  await api.TestService.Mark(`i18n-cut:${cut.length} ${cut.slice(0, 3).join(' | ')}`);
}
