// The words and numbers of the Models view.
import { describe, expect, it } from 'vitest';
import { relativeTime } from './dates';
import { checkModelName, humanBytes, humanDuration, memoryText, percentDone, pullLine, shortDigest, unloadsIn } from './localModels';
import { pullProgress } from './fake';

describe('Models view text', () => {
  it('states sizes in decimal units, as Ollama does', () => {
    expect(humanBytes(2_019_393_189)).toBe('2.0 GB');
    expect(humanBytes(4_100_000_000)).toBe('4.1 GB');
    expect(humanBytes(512_000_000)).toBe('512.0 MB');
    expect(humanBytes(999_990_000)).toBe('1.0 GB');
    expect(humanBytes(800)).toBe('800 B');
    expect(humanBytes(0)).toBe('0 B');
  });

  it('says durations and times left briefly', () => {
    expect(humanDuration(45)).toBe('45 s');
    expect(humanDuration(233)).toBe('4 min');
    expect(humanDuration(3900)).toBe('1 h 5 min');
    expect(humanDuration(7200)).toBe('2 h');
  });

  it('puts a running pull in one line, and never says 100% before the end', () => {
    const p = pullProgress({ endpointId: 'e', model: 'm', completed: 1_230_000_000, total: 4_100_000_000, bytesPerSecond: 12_300_000, etaSeconds: 180 });
    expect(pullLine(p)).toBe('30% · 1.2 GB of 4.1 GB · 12.3 MB/s · 3 min left');
    expect(percentDone({ state: 'running', completed: 4_099_999_999, total: 4_100_000_000 })).toBe(99);
    expect(percentDone({ state: 'done', completed: 0, total: 0 })).toBe(100);
    expect(percentDone({ state: 'running', completed: 0, total: 0 })).toBeNull();
    expect(pullLine(pullProgress({ endpointId: 'e', model: 'm' }))).toBe('');
  });

  it('checks model names lightly', () => {
    for (const ok of ['llama3.2', 'llama3.2:3b', 'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M', 'library/qwen3:8b-q8_0']) expect(checkModelName(ok)).toBe('');
    for (const bad of ['', '  ', 'llama 3', ':3b', 'a:b:c', 'llama3<script>']) expect(checkModelName(bad)).not.toBe('');
  });

  it('says when a loaded model leaves memory, and where it sits', () => {
    const now = 1_000_000_000_000;
    expect(unloadsIn(now + 4 * 60_000 + 5_000, now)).toBe('unloads in 4 min');
    expect(unloadsIn(now + 30_000, now)).toBe('unloads in under a minute');
    expect(unloadsIn(now - 1, now)).toBe('unloading now');
    expect(unloadsIn(now + 300 * 365 * 86_400_000, now)).toBe('stays loaded');
    expect(memoryText({ size: 3_200_000_000, sizeVram: 0 })).toBe('3.2 GB · CPU');
    expect(memoryText({ size: 3_200_000_000, sizeVram: 1_280_000_000 })).toBe('3.2 GB · 40% GPU');
    expect(memoryText({ size: 3_200_000_000, sizeVram: 3_200_000_000 })).toBe('3.2 GB · GPU');
  });

  it('shortens digests and says how long ago', () => {
    expect(shortDigest('sha256:ff82381e2bea77d91c1b824c7afb83f6')).toBe('ff82381e2bea');
    const now = Date.UTC(2025, 5, 15, 12);
    expect(relativeTime(now - 10_000, now)).toBe('just now');
    expect(relativeTime(now - 60_000, now)).toBe('1 minute ago');
    expect(relativeTime(now - 5 * 3600_000, now)).toBe('5 hours ago');
    expect(relativeTime(now - 86_400_000 * 1.5, now)).toBe('yesterday');
    expect(relativeTime(now - 86_400_000 * 20, now)).toBe('2 weeks ago');
    expect(relativeTime(now - 86_400_000 * 400, now)).toBe('1 year ago');
  });
});
