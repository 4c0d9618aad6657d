// The retrieval screenshot's state: a project with a knowledge file, a
// question asked in one of its chats, and the answer's sources under it
// (by words only, as no embedding model is set, which the answer says).
import { api } from '../lib/api';
import { projects } from '../lib/state/projects.svelte';
import { send, settled } from './steps';
import { $, waitFor } from './dom';

const FIELD_GUIDE = `# River otters: a field guide

## Where they live
River otters live along rivers, lakes and marshes with clean water and plenty of fish. They need banks with cover: roots, rocks and reeds.

## Dens
An otter's den is called a holt. Otters rarely dig their own; they take over burrows dug by beavers or foxes, or use hollows under tree roots at the water's edge. The entrance is often under water.

## Young
Cubs are born in the holt in spring, two or three at a time, and stay inside for about two months. The mother teaches them to swim when they are ten weeks old.

## Food
Fish make up most of their diet, with crayfish, frogs and the occasional bird.
`;

/** Bytes as base64, as the bound method takes a file. */
function base64(text: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}

export async function poseSources(): Promise<void> {
  const p = await api.ProjectService.Create({ id: 0, uid: '', name: 'Otter survey', emoji: '🦦', instructions: '', params: {}, sortOrder: 0, createdAt: 0, updatedAt: 0 } as never);
  await api.ProjectService.AddKnowledgeFile(p.id, 'otter-field-guide.md', base64(FIELD_GUIDE));
  await projects.startIn(p.id);
  await settled(await send('Where do river otters raise their cubs?'));
  await waitFor(() => $('answer-sources'), 'the answer’s sources', 30000);
}
