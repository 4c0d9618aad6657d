// Words and numbers for the Models view (Ollama's own models): sizes as
// Ollama states them (decimal: 4.1 GB), speeds, times left, and hints for a
// failed pull. Plain functions; the view and its tests use them.
import { t, fmtFixed, fmtNumber } from './i18n/t.svelte';
import type { LoadedModel, PullProgress } from './api';

/** Bytes in decimal units, as Ollama and disk tools state model sizes: "4.1 GB", "512 MB". */
export function humanBytes(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return t('units.bytes', { n: fmtNumber(0) });
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  if (i === 0) return t('units.bytes', { n: fmtNumber(Math.round(n)) });
  // 999.96 MB would round to "1000.0 MB": say 1.0 GB instead.
  if (n >= 999.95 && i < units.length - 1) return t(UNIT_KEYS[i + 1], { n: fmtFixed(1, 1) });
  return t(UNIT_KEYS[i], { n: fmtFixed(n, 1) });
}

const UNIT_KEYS = ['units.bytes', 'units.kb', 'units.mb', 'units.gb', 'units.tb'] as const;

/** "12.3 MB/s"; '' when nothing is known yet. */
export function humanSpeed(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? t('localModels.perSecond', { size: humanBytes(bytesPerSecond) }) : '';
}

/** A duration in words, rounded to what matters: "45 s", "3 min", "1 h 5 min". */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t('units.seconds', { n: s });
  const min = Math.round(s / 60);
  if (min < 60) return t('units.minutes', { n: min });
  const h = Math.floor(min / 60);
  const rest = min % 60;
  return rest ? t('units.hoursMinutes', { h, m: rest }) : t('units.hours', { n: h });
}

/** "3 min left"; '' when Go does not know yet. */
export function timeLeft(etaSeconds: number): string {
  return etaSeconds > 0 ? t('localModels.left', { time: humanDuration(etaSeconds) }) : '';
}

/** Whole percent done (never 100 before the end), or null when the size is not known yet. */
export function percentDone(p: Pick<PullProgress, 'completed' | 'total' | 'state'>): number | null {
  if (p.state === 'done') return 100;
  if (!p.total || p.total <= 0) return null;
  return Math.min(99, Math.floor((Math.max(0, p.completed) / p.total) * 100));
}

/** One line of a running pull: "42% · 1.2 GB of 4.1 GB · 12.3 MB/s · 3 min left". */
export function pullLine(p: PullProgress): string {
  const pct = percentDone(p);
  const parts: string[] = [];
  if (pct !== null) parts.push(t('localModels.percent', { n: pct / 100 }), t('pullProgress.of', { done: humanBytes(p.completed), total: humanBytes(p.total) }));
  const speed = humanSpeed(p.bytesPerSecond);
  if (speed) parts.push(speed);
  const left = timeLeft(p.etaSeconds);
  if (left) parts.push(left);
  return parts.join(' · ');
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._\-/]*(:[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/** A light check of a model name before asking Go (which checks it fully): '' when it looks right, else why not. */
export function checkModelName(name: string): string {
  const n = name.trim();
  if (!n) return t('localModels.typeName', { example: 'llama3.2:3b' });
  if (/\s/.test(n)) return t('localModels.noSpaces', { example: 'llama3.2:3b' });
  if (n.length > 300) return t('localModels.tooLong');
  if (!NAME.test(n)) return t('localModels.badName', { example: 'llama3.2:3b' });
  return '';
}

/** "a1b2c3d4e5f6" of "sha256:a1b2c3d4e5f6…". */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256[:-]/, '').slice(0, 12);
}

/** Ollama keeps a model loaded "forever" with keep_alive -1: its expiry is years away. */
const FOREVER_MS = 365 * 86_400_000;

/** When a loaded model leaves memory, as of now: "unloads in 4 min". */
export function unloadsIn(expiresAt: number, now: number): string {
  if (!expiresAt) return '';
  const ms = expiresAt - now;
  if (ms > FOREVER_MS) return t('localModels.staysLoaded');
  if (ms <= 0) return t('localModels.unloadingNow');
  if (ms < 60_000) return t('localModels.unloadsUnderMinute');
  return t('localModels.unloadsIn', { time: humanDuration(ms / 1000) });
}

/** Memory a loaded model takes, and where: "3.2 GB · GPU", "3.2 GB · 40% GPU", "3.2 GB · CPU". */
export function memoryText(m: Pick<LoadedModel, 'size' | 'sizeVram'>): string {
  const size = humanBytes(m.size);
  if (!m.size) return size;
  if (!m.sizeVram) return t('localModels.onCpu', { size });
  if (m.sizeVram >= m.size) return t('localModels.onGpu', { size });
  return t('localModels.partlyGpu', { size, part: Math.round((m.sizeVram / m.size) * 100) / 100 });
}
