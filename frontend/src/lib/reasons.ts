// Plain words for the reason codes Go stores with answers (provider.BrokenReason, end reasons).
const REASONS: Record<string, string> = {
  dropped: 'The connection dropped mid-answer',
  no_end_marker: 'The stream ended without its end marker',
  error_in_stream: 'The server reported an error mid-answer',
  first_token_timeout: 'The model did not start answering in time',
  idle_timeout: 'The model stopped sending words for too long',
  server_error: 'The server returned an error',
  rate_limited: 'The server is limiting requests right now',
  unreachable: 'The server could not be reached',
  user_stop: 'Stopped by you',
  user_skipped_wait: 'You chose not to wait for the stream',
  length: 'The answer reached the token limit',
  stop: '',
};

/** A reason code in plain words; unknown text is shown as it is. */
export function reasonText(code: string | undefined | null): string {
  if (!code) return '';
  if (code in REASONS) return REASONS[code];
  return code.includes(' ') ? code : code.replace(/_/g, ' ');
}

/** Old recovered answers (no recovery method stored): the whole answer was fetched again. */
export function recoveredText(code: string | undefined | null): string {
  if (code && code.includes(' ')) return code; // already plain words
  const r = reasonText(code);
  return (r ? r + '; ' : 'The stream broke; ') + 'Brook fetched the whole answer again.';
}

/** A reason as part of a sentence: "after the connection dropped mid-answer". */
function reasonPhrase(code: string | undefined | null): string {
  const r = reasonText(code).trim().replace(/[.;:!]+$/, '');
  if (!r) return 'the stream broke';
  // Lower-case the first letter only, and not of an acronym ("HTTP 500 …").
  const first = r.split(/\s/, 1)[0];
  if (first.length > 1 && first.slice(1) !== first.slice(1).toLowerCase()) return r;
  return r[0].toLowerCase() + r.slice(1);
}

/**
 * The Recovered mark's full description (tooltip and accessible name). With a
 * recovery method it says how the answer was completed; without one (answers
 * stored before Brook recorded it) it keeps the old words.
 */
export function recoveredDescription(code: string | undefined | null, method: string | undefined | null): string {
  if (method === 'continued') return `Recovered: continued after ${reasonPhrase(code)}`;
  if (method === 'reasked') return `Recovered: asked again without streaming after ${reasonPhrase(code)}`;
  return 'Recovered: ' + recoveredText(code);
}
