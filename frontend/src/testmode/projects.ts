// The projects pose, done as a user does it in the window: a chat outside
// any project, a project made with the New project dialog, a chat started
// in it by its menu and asked a question, and the first chat moved into the
// project by its own menu ("projects=out" moves it out again after;
// "projects=dialog" ends with the New project dialog open, "projects=move"
// with a chat's menu on its Move to project page, for their audits).
import { $, $$, click, setValue, waitFor } from './dom';
import { newChat, send, settled } from './steps';
import { chat } from '../lib/state/chat.svelte';
import { conversationList } from '../lib/state/conversationList.svelte';
import { toasts } from '../lib/state/toasts.svelte';

/** The project the pose makes, with the instructions the e2e test looks for in the request. */
export const POSE_PROJECT = { name: 'Garden', emoji: '🌱', instructions: 'Always give sizes in centimetres.' };

function item(id: number): HTMLElement {
  const el = $$('conversation-item').find((x) => x.dataset.conversationId === String(id));
  if (!el) throw new Error(`conversation ${id} is not in the sidebar`);
  return el;
}

async function moveByMenu(id: number, target: (b: HTMLElement) => boolean): Promise<void> {
  await click($('conversation-menu', item(id)), 'the conversation menu');
  await click(await waitFor(() => $('move-to-project', item(id)), 'Move to project…'), 'Move to project…');
  const choice = await waitFor(() => [...$$('move-target', item(id)), ...$$('move-out', item(id))].find(target), 'the project to move to');
  await click(choice, 'the project to move to');
}

export async function poseProjects(value: string): Promise<void> {
  await newChat();
  await settled(await send('Which vegetables grow well on a balcony?'));
  const loose = chat.currentId;

  await click($('new-project'), 'New project');
  const dialog = await waitFor(() => $('project-dialog'), 'the project dialog');
  setValue($('project-name', dialog) as HTMLInputElement, POSE_PROJECT.name);
  setValue($('project-emoji', dialog) as HTMLInputElement, POSE_PROJECT.emoji);
  setValue($('project-instructions', dialog) as HTMLTextAreaElement, POSE_PROJECT.instructions);
  await click($('project-save', dialog), 'Create project');
  const p = await waitFor(() => conversationList.projects.find((x) => x.name === POSE_PROJECT.name), 'the new project');

  const row = await waitFor(() => $$('project').find((x) => x.dataset.projectId === String(p.id)), 'the project in the sidebar');
  await click($('project-menu', row), 'the project menu');
  await click(await waitFor(() => $('project-new-chat', row), 'New chat in project'), 'New chat in project');
  await waitFor(() => chat.current?.projectId === p.id, 'a chat in the project');
  await settled(await send('How tall do tomato plants grow?'));

  await moveByMenu(loose, (b) => b.textContent?.includes(POSE_PROJECT.name) ?? false);
  await waitFor(() => conversationList.find(loose)?.projectId === p.id, 'the first chat in the project');
  if (value === 'out') {
    await moveByMenu(loose, (b) => b.dataset.testid === 'move-out');
    await waitFor(() => !conversationList.find(loose)?.projectId, 'the first chat out of the project');
  }
  await waitFor(() => !$('project-dialog') && $$('conversation-item').length >= 2, 'the sidebar to settle');
  toasts.clear(); // the "Moved to" toasts would cover the composer in the picture
  if (value === 'dialog') {
    await click($('new-project'), 'New project');
    const d = await waitFor(() => $('project-dialog'), 'the project dialog');
    setValue($('project-name', d) as HTMLInputElement, 'Recipes');
    setValue($('project-instructions', d) as HTMLTextAreaElement, 'Give quantities in grams.');
  } else if (value === 'move') {
    await click($('conversation-menu', item(loose)), 'the conversation menu');
    await click(await waitFor(() => $('move-to-project', item(loose)), 'Move to project…'), 'Move to project…');
    await waitFor(() => $('move-out', item(loose)), 'the projects to move to');
  }
}
