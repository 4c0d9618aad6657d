// The assistants pose (e2e/projects2_test.go), done as a user does it: a
// chat given a system prompt is saved as the assistant "Gardener" from its
// menu, a new chat is started from it in the menu beside New chat and
// asked a question, a project "Garden" is made, and a third chat is
// started. It ends with focus on the first chat's row and the keyboard
// watcher of the keyboard-only test on: the Go test then moves chats with
// key presses alone.
import { $, $$, click, setValue, waitFor } from './dom';
import { newChat, send, settled } from './steps';
import { chat } from '../lib/state/chat.svelte';
import { conversationList } from '../lib/state/conversationList.svelte';
import { toasts } from '../lib/state/toasts.svelte';
import { keyboardScenarios } from './keyboard';

/** What the e2e test looks for. */
export const POSE_ASSISTANT = { name: 'Gardener', prompt: 'You are a patient gardener. Answer in one sentence.' };

function item(id: number): Promise<HTMLElement> {
  return waitFor(() => $$('conversation-item').find((x) => x.dataset.conversationId === String(id)), `conversation ${id} in the sidebar`);
}

export async function poseAssistants(): Promise<Record<string, unknown>> {
  await newChat();
  await settled(await send('Which vegetables grow well on a balcony?'));
  const first = chat.currentId;
  await chat.setSystemPrompt(POSE_ASSISTANT.prompt);

  const row = await item(first);
  await click($('conversation-menu', row), 'the conversation menu');
  await click(await waitFor(() => $('save-as-assistant', row), 'Save as assistant…'), 'Save as assistant…');
  const dialog = await waitFor(() => $('assistant-dialog'), 'the Save as assistant dialog');
  setValue($('assistant-name', dialog) as HTMLInputElement, POSE_ASSISTANT.name);
  await click($('assistant-save', dialog), 'Save assistant');
  await waitFor(() => !$('assistant-dialog'), 'the dialog to close');

  await click($('new-chat-from'), 'New chat from an assistant');
  const pick = await waitFor(() => $$('assistant-item').find((b) => b.textContent === POSE_ASSISTANT.name), 'the assistant in the menu');
  await click(pick, 'the assistant');
  await waitFor(() => chat.current?.assistantName === POSE_ASSISTANT.name, 'a chat from the assistant');
  await settled(await send('When do I sow carrots?'));
  const fromAssistant = chat.currentId;

  await click($('new-project'), 'New project');
  const pd = await waitFor(() => $('project-dialog'), 'the project dialog');
  setValue($('project-name', pd) as HTMLInputElement, 'Garden');
  await click($('project-save', pd), 'Create project');
  await waitFor(() => conversationList.projects.some((p) => p.name === 'Garden') && !$('project-dialog'), 'the project');

  await newChat();
  await settled(await send('Which herbs like shade?'));
  const herbs = chat.currentId;
  await waitFor(() => $$('conversation-item').length >= 3, 'three chats in the sidebar');
  toasts.clear();
  await chat.open(fromAssistant);
  await waitFor(() => $('conversation-origin')?.textContent?.includes(POSE_ASSISTANT.name), 'the header saying where the chat began');

  const watching = await keyboardScenarios.poseKeyboard();
  // Where a user who tabbed to the first chat would be.
  $('conversation-open', await item(first))?.focus();
  return { ...watching, first, fromAssistant, herbs };
}
