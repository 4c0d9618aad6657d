// Settings opened for a test: the view rendered with its endpoint list shown.
import { expect, vi } from 'vitest';
import { render, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import SettingsView from './SettingsView.svelte';

/** Renders Settings, waits for its `endpoints` endpoints to be listed, and gives a finder of each one's row by name. */
export async function openSettings(endpoints: number) {
  const r = render(SettingsView);
  await vi.waitFor(() => expect(r.getAllByTestId('endpoint-server')).toHaveLength(endpoints));
  flushSync();
  const row = (name: string) =>
    within([...r.container.querySelectorAll<HTMLElement>('li')].find((li) => li.querySelector('.ep-name')?.textContent === name)!);
  return { r, row };
}
