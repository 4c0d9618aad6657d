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

/** What the Go test passes: how to start the filesystem server, and the file to ask about. */
type ToolCallArg = { node: string; server: string; dir: string; file: string };

export const toolCallScenarios: Record<string, Scenario> = {
  async toolcall(json: string) {
    const { node, server, dir, file: path } = JSON.parse(json) as ToolCallArg;
    await ready();
    await api.ToolService.Save(
      { id: '', name: 'Files', kind: 'stdio', command: node, args: [server, dir], envNames: [], url: '', headerNames: [], enabled: true, timeoutSeconds: 0 } as never,
      {},
      {},
    );
    await newChat();
    await settled(await send('Hello'));
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
