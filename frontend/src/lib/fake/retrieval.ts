// The fake RetrievalService and the knowledge-file methods of the fake
// ProjectService and AssistantService: knowledge files in memory (db.knowledge),
// answers' sources from db.answerSources, refusing what Go refuses.
import type { Services } from '../bound';
import type { KnowledgeFile } from '../types';
import type { FakeParts } from './parts';
import { newId } from './data';

const MAX_BYTES = 50 * 1024 * 1024;

export function fakeRetrievalService({ fake }: FakeParts): Services['RetrievalService'] {
  return {
    async AnswerSources(messageId) {
      return fake.db.answerSources?.[messageId] ?? { sources: [], noticeKind: '', noticeText: '' };
    },
    async SuggestedEmbeddingModels() {
      return [
        { name: 'all-minilm:latest', sizeBytes: 45_960_000, why: 'The smallest good embedding model.' },
        { name: 'nomic-embed-text:latest', sizeBytes: 274_290_000, why: 'A larger embedding model.' },
      ];
    },
  };
}

type KnowledgeMethods = Pick<Services['ProjectService'], 'KnowledgeFiles' | 'AddKnowledgeFile' | 'RemoveKnowledgeFile'>;

/** The knowledge-file methods of the project (owner 'project') or assistant service. */
export function fakeKnowledgeMethods(fake: FakeParts['fake'], owner: 'project' | 'assistant'): KnowledgeMethods {
  const files = () => (fake.db.knowledge ??= []);
  const key = owner === 'project' ? 'projectId' : 'assistantId';
  const exists = (id: number) => (owner === 'project' ? fake.db.projects : fake.db.assistants).some((o) => o.id === id);
  return {
    async KnowledgeFiles(id) {
      return files().filter((k) => k[key] === id).map((k) => ({ ...k }));
    },
    async AddKnowledgeFile(id, name, data) {
      if (!exists(id)) throw new Error(`There is no ${owner} with id ${id}.`);
      const size = Math.floor((data.length * 3) / 4);
      if (size > MAX_BYTES) throw new Error(`${name} is too large: Brook reads documents of at most 50 MB.`);
      if (size === 0) throw new Error(`${name} is empty.`);
      const k: KnowledgeFile = { id: newId(), [key]: id, documentId: newId(), name, kind: 'text', hash: '', size, tokens: Math.ceil(size / 4), addedAt: Date.now() };
      files().push(k);
      return { ...k };
    },
    async RemoveKnowledgeFile(id) {
      const i = files().findIndex((k) => k.id === id);
      if (i < 0) throw new Error(`There is no knowledge file with id ${id}.`);
      files().splice(i, 1);
    },
  };
}
