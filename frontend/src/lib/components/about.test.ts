// The About sheet: which Brook this is (version, commit, WebKitGTK), where it
// keeps its files, and links that open in the system browser. It opens from
// the Help sheet and with Ctrl+Shift+A.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { setApi } from '../api';
import { createFakeApi, FAKE_ABOUT, type FakeApi } from '../fake';
import { ui } from '../state/ui.svelte';
import { toasts } from '../state/toasts.svelte';
import AboutSheet from './AboutSheet.svelte';
import HelpSheet from './HelpSheet.svelte';

let fake: FakeApi;
const calls = (method: string) => fake.calls.filter((c) => c.method === method).map((c) => c.args);

beforeEach(() => {
  fake = createFakeApi();
  setApi(fake);
  ui.helpOpen = false;
  ui.aboutOpen = false;
  toasts.clear();
});
afterEach(() => {
  cleanup();
  toasts.clear();
  vi.restoreAllMocks();
});

describe('the About sheet', () => {
  it('shows the version, commit, WebKitGTK and the folders Go reports', async () => {
    const r = render(AboutSheet);
    await vi.waitFor(() => expect(r.getByTestId('about-version').textContent).toBe(FAKE_ABOUT.version));
    expect(r.getByTestId('about-commit').textContent).toBe('abc1234');
    expect(r.getByTestId('about-webkit').textContent).toBe('2.50.1');
    expect(r.getByTestId('about-data').textContent).toBe(FAKE_ABOUT.data);
    expect(r.getByTestId('about-logs').textContent).toBe(FAKE_ABOUT.logs);
    expect(r.getByTestId('about-database').textContent).toBe(FAKE_ABOUT.database);
  });

  it('opens its links through Go, in the system browser', async () => {
    const r = render(AboutSheet);
    const link = await vi.waitFor(() => r.getByText(FAKE_ABOUT.links[0].label));
    await fireEvent.click(link);
    expect(calls('OpenURL')).toEqual([['https://ollama.com']]);
  });

  it('says so when Go cannot answer', async () => {
    fake.SystemService.About = () => Promise.reject(new Error('Brook is still starting'));
    const r = render(AboutSheet);
    await vi.waitFor(() => expect(r.getByRole('alert').textContent).toContain('Brook is still starting'));
  });

  it('an unknown commit or WebKitGTK reads as such, not as a blank', async () => {
    fake.SystemService.About = async () => ({ ...FAKE_ABOUT, commit: '', webkitGtk: '' });
    const r = render(AboutSheet);
    await vi.waitFor(() => expect(r.getByTestId('about-commit').textContent).toBe('unknown'));
    expect(r.getByTestId('about-webkit').textContent).toBe('not known on this system');
  });

  it('opens from the Help sheet, which it replaces', async () => {
    ui.openHelp();
    const r = render(HelpSheet);
    await fireEvent.click(r.getByTestId('help-about'));
    expect(ui.aboutOpen).toBe(true);
    expect(ui.helpOpen).toBe(false);
    ui.closeAbout();
    expect(ui.aboutOpen).toBe(false);
  });
});
