import { t } from './i18n/t.svelte';
// Reason codes stored with answers (provider.BrokenReason, end reasons) and
// recovered answers in plain words. The words are Go's (SystemService.ReasonTexts,
// read once at start-up); this module only looks them up.
import { api, type RecoveredMark } from './api';
import { loaded } from './reasonTexts.svelte';

/** Reads the words from Go. Until they arrive a code shows as itself. */
export async function loadReasonTexts(): Promise<void> {
  loaded.texts = await api.SystemService.ReasonTexts();
}

/** A reason code in plain words; a code Go has no words for is shown as it is. */
export function reasonText(code: string | undefined | null): string {
  if (!code) return '';
  const text = loaded.texts?.reasons[code];
  if (text !== undefined) return text;
  return code.includes(' ') ? code : code.replace(/_/g, ' ');
}

/** What the Recovered mark says for a reason and a recovery method ('' for answers stored before Brook recorded it). */
function mark(code: string | undefined | null, method: string | undefined | null): RecoveredMark | undefined {
  const marks = loaded.texts?.recovered ?? [];
  const m = method ?? '';
  return marks.find((x) => x.method === m && x.reason === (code ?? '')) ?? marks.find((x) => x.method === m && x.reason === '');
}

/** The tooltip of an answer recovered before Brook recorded how (the whole answer was fetched again). */
export function recoveredText(code: string | undefined | null): string {
  return mark(code, '')?.title ?? t('reasons.recovered');
}

/**
 * The Recovered mark's full description (tooltip and accessible name). With a
 * recovery method it says how the answer was completed; without one (answers
 * stored before Brook recorded it) it keeps the old words.
 */
export function recoveredDescription(code: string | undefined | null, method: string | undefined | null): string {
  return mark(code, method)?.label ?? t('reasons.recovered');
}
