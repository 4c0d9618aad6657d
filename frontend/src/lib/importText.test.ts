import { describe, expect, it } from 'vitest';
import { baseName, dateRange, errorFor, importLabel, storedNote, summaryLines } from './importText';
import { fakeImportPreview } from './fake';

describe('the words of an import', () => {
  it('names what was picked by its last part, on Linux and Windows', () => {
    expect(baseName('/home/you/Downloads/export.zip')).toBe('export.zip');
    expect(baseName('/home/you/jan/threads/')).toBe('threads');
    expect(baseName('C:\\Users\\you\\chats.json')).toBe('chats.json');
  });

  it('gives one day once, a span as from – to, and nothing without times', () => {
    const day = Date.UTC(2025, 3, 14, 12);
    expect(dateRange(day, day + 3_600_000)).not.toContain('–');
    expect(dateRange(day, day + 40 * 86_400_000)).toMatch(/^.+ – .+$/);
    expect(dateRange(0, 0)).toBe('');
    expect(dateRange(0, day)).toBe(dateRange(day, day));
  });

  it('says how many Brook has already', () => {
    const p = fakeImportPreview(3);
    expect(storedNote({ ...p, stored: 0 })).toBe('');
    expect(storedNote({ ...p, stored: 2 })).toBe('2 are already in Brook as they are: importing them again adds nothing.');
    expect(storedNote({ ...fakeImportPreview(2), stored: 2 })).toBe('Both are already in Brook as they are: importing them again adds nothing.');
    expect(storedNote({ ...p, stored: 3 })).toBe('All 3 are already in Brook as they are: importing them again adds nothing.');
    expect(storedNote({ ...fakeImportPreview(1), stored: 1 })).toBe('It is already in Brook as it is: importing it again adds nothing.');
  });

  it('drops the file name the title already gives from an error, and only that', () => {
    expect(errorFor('/tmp/notes.txt', 'notes.txt: unknown format: not JSON')).toBe('unknown format: not JSON');
    expect(errorFor('/tmp/a.zip', 'reading the ZIP: zip: not a valid zip file')).toBe('reading the ZIP: zip: not a valid zip file');
  });

  it('labels Import by what is picked', () => {
    const p = fakeImportPreview(3); // the second is in Brook
    expect(importLabel(p, [true, true, true], false)).toBe('Import all 3');
    expect(importLabel(p, [true, false, false], false)).toBe('Import 1');
    expect(importLabel(p, [false, true, false], false)).toBe('Nothing new to import');
    expect(importLabel(p, [false, false, false], false)).toBe('Import 0');
    expect(importLabel(p, [true, true, true], true)).toBe('Importing…');
  });

  it('sums up imported, copies, skipped and unpicked, leaving out what is zero', () => {
    const none = { name: 'x', imported: 0, copied: 0, skipped: 0, messages: 0, archived: 0, notPicked: 0, leftOut: [] };
    expect(summaryLines({ ...none, imported: 1, messages: 1 })).toEqual(['Imported 1 conversation (1 message).']);
    expect(summaryLines({ ...none, imported: 1200, messages: 34000, copied: 2, archived: 1, skipped: 3, notPicked: 1 })).toEqual([
      'Imported 1,200 conversations (34,000 messages).',
      '2 of them differ from the conversations with their ids in Brook, so they came in as copies beside them.',
      '1 of them is archived, as in the export: find it under Archived.',
      'Skipped 3 conversations already in Brook.',
      'Left out 1 conversation you did not pick.',
    ]);
    expect(summaryLines({ ...none, skipped: 2 })).toEqual(['No conversation was imported.', 'Skipped 2 conversations already in Brook.']);
  });
});
