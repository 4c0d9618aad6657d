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
  length: 'The answer reached the token limit',
  stop: '',
};

/** A reason code in plain words; unknown text is shown as it is. */
export function reasonText(code: string | undefined | null): string {
  if (!code) return '';
  if (code in REASONS) return REASONS[code];
  return code.includes(' ') ? code : code.replace(/_/g, ' ');
}

export function recoveredText(code: string | undefined | null): string {
  if (code && code.includes(' ')) return code; // already plain words
  const r = reasonText(code);
  return (r ? r + '; ' : 'The stream broke; ') + 'Brook fetched the whole answer again.';
}
