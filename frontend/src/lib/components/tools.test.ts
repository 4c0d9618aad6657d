// Settings → Tools: the MCP servers with their state and tools; add, edit, test, turn off, delete; a tool allowed
// always; secret values sent once and never shown.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent, within } from '@testing-library/svelte';
import type { mcp } from '../../../wailsjs/go/models';
import { setApi } from '../api';
import { createFakeApi, type FakeApi } from '../fake';
import { toasts } from '../state/toasts.svelte';
import ToolsSection from './ToolsSection.svelte';

function server(over: Partial<mcp.ServerView>): mcp.ServerView {
  return {
    id: 'ts-1',
    name: 'Files',
    kind: 'stdio',
    command: 'npx',
    args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/me/Documents'],
    envNames: [],
    url: '',
    headerNames: [],
    enabled: true,
    timeoutSeconds: 0,
    state: 'stopped',
    reason: '',
    stderr: [],
    tools: [],
    envSet: [],
    headersSet: [],
    ...over,
  };
}

let fake: FakeApi;
let confirmed: string[];
beforeEach(() => {
  toasts.toasts = [];
  confirmed = [];
});
afterEach(cleanup);

function open(servers: mcp.ServerView[], tests: Record<string, Partial<mcp.ServerView>> = {}) {
  fake = createFakeApi({ toolServers: servers, toolTests: tests });
  setApi(fake);
  // Confirm on the second ask, like Settings' two-click confirmation.
  const confirm = (q: string) => (confirmed.includes(q) ? true : (confirmed.push(q), false));
  return render(ToolsSection, { confirm });
}
const calls = (method: string) => fake.calls.filter((c) => c.service === 'ToolService' && c.method === method).map((c) => c.args);

describe('Settings → Tools', () => {
  it('lists a failed server with its reason and its last error output', async () => {
    const r = open([server({ state: 'failed', reason: 'the tool server did not start: the command "npx" was not found', stderr: ['line one', 'line two'] })]);
    const row = within(await r.findByTestId('tool-server'));
    expect(row.getByTestId('tool-server-state').textContent).toBe('Failed');
    expect(row.getByTestId('tool-server-reason').textContent).toBe('The tool server did not start: the command "npx" was not found.');
    expect(row.getByTestId('tool-server-stderr').textContent).toBe('line one\nline two');
  });

  it('tests a server and shows its tools, with a refused one explained and the others allowed on request', async () => {
    const tools: mcp.ToolView[] = [
      { name: 'read_text_file', description: 'Read a file as text', alwaysAllowed: false, refused: '' },
      { name: 'bad', description: '', alwaysAllowed: false, refused: 'its input schema is not valid JSON Schema' },
    ];
    const r = open([server({})], { 'ts-1': { tools } });
    await fireEvent.click(await r.findByRole('button', { name: 'Test Files' }));
    await vi.waitFor(() => expect(r.getByTestId('tool-server-state').textContent).toBe('Ready · 1 tool'));
    expect(r.getByText('Read a file as text')).toBeTruthy();
    expect(r.getByText(/Not used: its input schema is not valid JSON Schema/)).toBeTruthy();
    const allow = r.getByRole('checkbox', { name: 'Always allow read_text_file' }) as HTMLInputElement;
    expect(allow.checked).toBe(false);
    expect(r.queryByRole('checkbox', { name: 'Always allow bad' })).toBeNull();
    await fireEvent.click(allow);
    expect(calls('SetAlwaysAllowed')).toEqual([['ts-1', 'read_text_file', true]]);
    expect(fake.db.toolServers[0].tools[0].alwaysAllowed).toBe(true);
  });

  it('adds a command server with a secret variable sent once, and never shows it again', async () => {
    const r = open([]);
    expect(r.getByText('No tool servers yet.')).toBeTruthy();
    await fireEvent.click(r.getByRole('button', { name: 'Add a tool server' }));
    const form = within(r.getByTestId('tool-server-editor'));
    await fireEvent.input(form.getByLabelText('Name'), { target: { value: 'Everything' } });
    await fireEvent.input(form.getByLabelText('Command'), { target: { value: 'node' } });
    await fireEvent.input(form.getByLabelText('Arguments, one per line'), { target: { value: 'server.js\n\nstdio\n' } });
    await fireEvent.click(form.getByRole('button', { name: 'Add a variable' }));
    await fireEvent.input(form.getByLabelText('Variable 1 name'), { target: { value: 'API_TOKEN' } });
    await fireEvent.input(form.getByLabelText('Variable 1 value'), { target: { value: 'hunter2' } });
    await fireEvent.click(form.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(r.getAllByTestId('tool-server')).toHaveLength(1));
    const [ts, env, headers] = calls('Save')[0] as [mcp.ServerView, Record<string, string>, Record<string, string>];
    expect(ts).toMatchObject({ id: '', name: 'Everything', kind: 'stdio', command: 'node', args: ['server.js', 'stdio'], envNames: ['API_TOKEN'] });
    expect(env).toEqual({ API_TOKEN: 'hunter2' });
    expect(headers).toEqual({});
    expect(r.container.innerHTML).not.toContain('hunter2');

    // Editing shows the value as stored, and an untouched field keeps it.
    await fireEvent.click(r.getByRole('button', { name: 'Edit Everything' }));
    const edit = within(r.getByTestId('tool-server-editor'));
    expect((edit.getByLabelText('Variable 1 value') as HTMLInputElement).placeholder).toMatch(/stored/);
    await fireEvent.click(edit.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(calls('Save')).toHaveLength(2));
    expect(calls('Save')[1][1]).toEqual({});
  });

  it('adds an HTTP server, and shows what Go refuses without closing the editor', async () => {
    const r = open([]);
    await fireEvent.click(r.getByRole('button', { name: 'Add a tool server' }));
    const form = within(r.getByTestId('tool-server-editor'));
    await fireEvent.input(form.getByLabelText('Name'), { target: { value: 'Web' } });
    await fireEvent.click(form.getByLabelText(/A URL/));
    await fireEvent.input(form.getByLabelText('URL'), { target: { value: 'ftp://nope' } });
    await fireEvent.click(form.getByRole('button', { name: 'Save' }));
    expect((await form.findByRole('alert')).textContent).toMatch(/must be an http:\/\/ or https:\/\/ URL/);
    expect(fake.db.toolServers).toHaveLength(0);
    await fireEvent.input(form.getByLabelText('URL'), { target: { value: 'http://127.0.0.1:3001/mcp' } });
    await fireEvent.click(form.getByRole('button', { name: 'Add a header' }));
    await fireEvent.input(form.getByLabelText('Header 1 name'), { target: { value: 'Authorization' } });
    await fireEvent.input(form.getByLabelText('Header 1 value'), { target: { value: 'Bearer abc' } });
    await fireEvent.click(form.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(r.getAllByTestId('tool-server')).toHaveLength(1));
    expect(calls('Save').at(-1)?.[2]).toEqual({ Authorization: 'Bearer abc' });
    expect(r.getByText('http://127.0.0.1:3001/mcp')).toBeTruthy();
  });

  it('turns a server off, and deletes it only when confirmed', async () => {
    const r = open([server({ state: 'ready' })]);
    const on = (await r.findByRole('checkbox', { name: 'On (Files)' })) as HTMLInputElement;
    await fireEvent.click(on);
    expect(calls('SetEnabled')).toEqual([['ts-1', false]]);
    await vi.waitFor(() => expect(r.getByTestId('tool-server-state').textContent).toBe('Off'));
    await fireEvent.click(r.getByRole('button', { name: 'Delete Files' }));
    expect(calls('Delete')).toEqual([]);
    await fireEvent.click(r.getByRole('button', { name: 'Delete Files' }));
    expect(calls('Delete')).toEqual([['ts-1']]);
    await vi.waitFor(() => expect(r.queryAllByTestId('tool-server')).toHaveLength(0));
  });

  it('shows a server starting, ready and crashing as Go reports it, with the reason and error output, without polling', async () => {
    const r = open([server({ state: 'stopped' })]);
    const state = await r.findByTestId('tool-server-state');
    expect(state.textContent).toBe('Starts when a model needs it');
    const tools: mcp.ToolView[] = [{ name: 'read_text_file', description: '', alwaysAllowed: false, refused: '' }];

    Object.assign(fake.db.toolServers[0], { state: 'starting' });
    fake.emitToolServer({ serverId: 'ts-1', state: 'starting' });
    await vi.waitFor(() => expect(r.getByTestId('tool-server-state').textContent).toBe('Starting…'));
    Object.assign(fake.db.toolServers[0], { state: 'ready', tools });
    fake.emitToolServer({ serverId: 'ts-1', state: 'ready' });
    await vi.waitFor(() => expect(r.getByTestId('tool-server-state').textContent).toBe('Ready · 1 tool'));

    Object.assign(fake.db.toolServers[0], { state: 'failed', reason: 'it exited: exit status 3', stderr: ['panic: out of memory'], tools: [] });
    fake.emitToolServer({ serverId: 'ts-1', state: 'failed' });
    await vi.waitFor(() => expect(r.getByTestId('tool-server-state').textContent).toBe('Failed'));
    expect(r.getByTestId('tool-server-reason').textContent).toBe('It exited: exit status 3.');
    expect(r.getByTestId('tool-server-stderr').textContent).toBe('panic: out of memory');
    // One read when the section opened, and one per change: nothing else asks.
    expect(calls('Servers')).toHaveLength(4);
  });

  it('takes changes that come during a read from the next read, and leaves the other servers as they are', async () => {
    const r = open([server({}), server({ id: 'ts-2', name: 'Web', kind: 'http', command: '', args: [], url: 'http://127.0.0.1:3001/mcp' })]);
    await vi.waitFor(() => expect(r.getAllByTestId('tool-server')).toHaveLength(2));
    // The first read after a change answers late, with what it read before the next change.
    const read = fake.ToolService.Servers;
    let answer!: () => void;
    const late = new Promise<void>((resolve) => (answer = resolve));
    let reads = 0;
    fake.ToolService.Servers = async () => {
      const list = await read();
      if (++reads === 1) await late;
      return list;
    };
    Object.assign(fake.db.toolServers[0], { state: 'starting' });
    fake.emitToolServer({ serverId: 'ts-1', state: 'starting' });
    await vi.waitFor(() => expect(reads).toBe(1));
    // Before that read answers, the server fails, and the other one changes in the database without a word.
    Object.assign(fake.db.toolServers[0], { state: 'failed', reason: 'it did not answer in time' });
    Object.assign(fake.db.toolServers[1], { state: 'ready' });
    fake.emitToolServer({ serverId: 'ts-1', state: 'failed' });
    answer();
    await vi.waitFor(() => expect(reads).toBe(2));
    await vi.waitFor(() => expect(r.getAllByTestId('tool-server-state')[0].textContent).toBe('Failed'));
    expect(r.getAllByTestId('tool-server-state')[1].textContent).toBe('Starts when a model needs it');
  });

  it('does not bring back a deleted server whose stop is reported after', async () => {
    const r = open([server({ state: 'ready' })]);
    await fireEvent.click(await r.findByRole('button', { name: 'Delete Files' }));
    await fireEvent.click(r.getByRole('button', { name: 'Delete Files' }));
    await vi.waitFor(() => expect(r.queryAllByTestId('tool-server')).toHaveLength(0));
    fake.db.toolServers = [server({ state: 'stopped' })]; // as if read before Go removed it
    fake.emitToolServer({ serverId: 'ts-1', state: 'stopped' });
    await vi.waitFor(() => expect(calls('Servers')).toHaveLength(2));
    expect(r.queryAllByTestId('tool-server')).toHaveLength(0);
  });
});
