// A scenario of a tool call in the real window: a real MCP server is added
// (the npm reference filesystem server, started with Node on a folder), the
// model (a fake that reads files with a tool) asks to read the file the
// question names; the approval card shows, the user allows it, and the
// answer quotes the file. The Go test photographs the card and the call
// unfolded at the marks.
import { api } from '../lib/api';
import { $, $$, click, frame, shownMessages, sleep, waitFor } from './dom';
import { newChat, ready, send, settled, waitFinal } from './steps';

type Scenario = (arg: string) => Promise<Record<string, unknown>>;

/**
 * What the Go test passes: how to start the filesystem server, and the file to ask about; first: the tool is chosen
 * in a new chat, before its first message, rather than in a chat that has one.
 */
type ToolCallArg = { node: string; server: string; dir: string; file: string; first?: boolean };

/** What the Go test passes to toolsLive: how to start the filesystem server. */
type ToolsLiveArg = { node: string; server: string; dir: string };

export const toolCallScenarios: Record<string, Scenario> = {
  /**
   * Settings → Tools follows a server's life as Go reports it: the server is tested (ready), then the Go test
   * kills its process from outside, and the row turns failed with the reason, without anything asking again.
   */
  async toolsLive(json: string) {
    const { node, server, dir } = JSON.parse(json) as ToolsLiveArg;
    await ready();
    await api.ToolService.Save(
      { id: '', name: 'Files', kind: 'stdio', command: node, args: [server, dir], envNames: [], url: '', headerNames: [], enabled: true, timeoutSeconds: 0 } as never,
      {},
      {},
    );
    await click($('open-settings'), 'Settings');
    const row = await waitFor(() => $('tool-server'), 'the tool server in Settings');
    row.scrollIntoView({ block: 'start' });
    await click(row.querySelector<HTMLElement>('button[aria-label="Test Files"]'), 'Test');
    await waitFor(() => row.dataset.state === 'ready' || null, 'the server ready', 60000);
    const readyText = $('tool-server-state', row)?.textContent ?? '';
    await api.TestService.Mark('ready');
    // The Go test kills the server now; nothing here asks Go again.
    await waitFor(() => row.dataset.state === 'failed' || null, 'the server failed', 60000);
    row.querySelector('details')?.setAttribute('open', ''); // its last error output, for the photograph
    row.scrollIntoView({ block: 'center' });
    await frame();
    await frame();
    await api.TestService.Mark('failed shown');
    await sleep(2500); // the test photographs the row
    return {
      readyText,
      failedText: $('tool-server-state', row)?.textContent ?? '',
      reason: $('tool-server-reason', row)?.textContent ?? '',
    };
  },

  async toolcall(json: string) {
    const { node, server, dir, file: path, first: beforeFirst } = JSON.parse(json) as ToolCallArg;
    await ready();
    await api.ToolService.Save(
      { id: '', name: 'Files', kind: 'stdio', command: node, args: [server, dir], envNames: [], url: '', headerNames: [], enabled: true, timeoutSeconds: 0 } as never,
      {},
      {},
    );
    await newChat();
    if (!beforeFirst) await settled(await send('Hello'));
    // Enable the tool for this chat in the composer's picker.
    await click($('tool-picker'), 'the tool picker');
    // The filesystem server offers many tools; the fake model calls read_text_file.
    const choice = await waitFor(
      () => $$('tool-choice').find((el) => el.closest('label')?.textContent?.includes('read_text_file')) as HTMLInputElement | undefined,
      'read_text_file in the picker',
      30000,
    );
    const model = $('tool-model')?.textContent ?? '';
    await click(choice, 'the tool');
    await waitFor(() => choice.checked || null, 'the tool enabled');
    await click($('tool-picker'), 'the tool picker, to close it');
    const answerId = await send(`What does ${path} say?`);
    const card = await waitFor(() => $('tool-approval'), 'the approval card', 30000);
    const approval = {
      text: card.textContent ?? '',
      server: $('tool-server', card)?.textContent ?? '',
      args: $('tool-arguments', card)?.textContent ?? '',
      role: card.getAttribute('role'),
    };
    await frame();
    await frame(); // painted before the test photographs it
    await api.TestService.Mark('approval shown');
    await sleep(2500); // the test photographs the card
    await click($('tool-allow-once', card), 'Allow once');
    const first = await waitFinal(answerId);
    const final = await waitFor(
      () => shownMessages().find((m) => m.role === 'assistant' && m.id > answerId && m.state === 'complete'),
      'the answer after the call',
      60000,
    );
    const call = await waitFor(() => $('tool-call'), 'the folded call');
    const details = call.querySelector('details');
    const foldedFirst = details ? !details.open : false;
    if (details) details.open = true;
    await frame();
    await frame();
    await api.TestService.Mark('call unfolded');
    await sleep(2500);
    return {
      model,
      approval,
      firstState: first.state,
      status: $('tool-status', call)?.textContent ?? '',
      result: $('tool-result', call)?.textContent ?? '',
      foldedFirst,
      finalText: final.text,
    };
  },
};
