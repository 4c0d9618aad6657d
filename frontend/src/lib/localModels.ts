// Words and numbers for the Models view (Ollama's own models): sizes as
// Ollama states them (decimal: 4.1 GB), speeds, times left, and hints for a
// failed pull. Plain functions; the view and its tests use them.
import type { LoadedModel, PullProgress } from './api';

/** Bytes in decimal units, as Ollama and disk tools state model sizes: "4.1 GB", "512 MB". */
export function humanBytes(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return '0 B';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  if (i === 0) return `${Math.round(n)} B`;
  // 999.96 MB would round to "1000.0 MB": say 1.0 GB instead.
  if (n >= 999.95 && i < units.length - 1) return `1.0 ${units[i + 1]}`;
  return `${n.toFixed(1)} ${units[i]}`;
}

/** "12.3 MB/s"; '' when nothing is known yet. */
export function humanSpeed(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${humanBytes(bytesPerSecond)}/s` : '';
}

/** A duration in words, rounded to what matters: "45 s", "3 min", "1 h 5 min". */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  return rest ? `${h} h ${rest} min` : `${h} h`;
}

/** "3 min left"; '' when Go does not know yet. */
export function timeLeft(etaSeconds: number): string {
  return etaSeconds > 0 ? `${humanDuration(etaSeconds)} left` : '';
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
  if (pct !== null) parts.push(`${pct}%`, `${humanBytes(p.completed)} of ${humanBytes(p.total)}`);
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
  if (!n) return 'Type the name of a model, e.g. llama3.2:3b.';
  if (/\s/.test(n)) return 'A model name has no spaces, e.g. llama3.2:3b.';
  if (n.length > 300) return 'That name is too long for a model name.';
  if (!NAME.test(n)) return 'A model name is letters, digits and . _ - /, then an optional :tag, e.g. llama3.2:3b.';
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
  if (ms > FOREVER_MS) return 'stays loaded';
  if (ms <= 0) return 'unloading now';
  if (ms < 60_000) return 'unloads in under a minute';
  return `unloads in ${humanDuration(ms / 1000)}`;
}

/** Memory a loaded model takes, and where: "3.2 GB · GPU", "3.2 GB · 40% GPU", "3.2 GB · CPU". */
export function memoryText(m: Pick<LoadedModel, 'size' | 'sizeVram'>): string {
  const size = humanBytes(m.size);
  if (!m.size) return size;
  if (!m.sizeVram) return `${size} · CPU`;
  if (m.sizeVram >= m.size) return `${size} · GPU`;
  return `${size} · ${Math.round((m.sizeVram / m.size) * 100)}% GPU`;
}
