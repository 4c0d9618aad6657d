import { t } from '../i18n/t.svelte';
// What a screen reader hears about answers and toasts, through one polite and
// one assertive visually-hidden live region (components/Announcer.svelte,
// mounted once). A streaming answer is never announced token by token: its
// start is announced once ("Answering…"), and the whole answer once it ends.
import type { Message } from '../api';

export type Politeness = 'polite' | 'assertive';

/** Where an answer is, as far as announcing goes. */
type Told = 'started' | 'ended';

/** How many announcements are kept for tests and test-mode reports. */
const LOG_MAX = 30;

/** Markdown as it would be read: the marks that are only layout are dropped. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/^\s*(```|~~~).*$/gm, '') // code fences
    .replace(/^\s{0,3}#{1,6}\s+/gm, '') // heading marks
    .replace(/^\s*\|?[\s:-]*\|[\s|:-]*$/gm, '') // a table's separator row
    .replace(/\|/g, ' ')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/\$\$?/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/** The words said when an answer ends, by how it ended. */
export function endedText(m: Pick<Message, 'state' | 'content' | 'error'>): string {
  const text = plainText(m.content);
  switch (m.state) {
    case 'complete':
      return text ? t('announcer.answer', { text }) : t('announcer.empty');
    case 'stopped':
      return t('announcer.stopped', { text }).trim();
    case 'interrupted':
      return t('announcer.interrupted', { text }).trim();
    case 'failed':
      return t('announcer.failed', { error: m.error ?? '' }).trim();
    default:
      return text;
  }
}

export class Announcer {
  /** What the polite region says now, and a counter that changes with each announcement. */
  polite = $state({ text: '', seq: 0 });
  assertive = $state({ text: '', seq: 0 });
  /** The last announcements, oldest first. */
  readonly log: string[] = [];
  private told = new Map<number, Told>();

  /**
   * Says text once. The same text twice in a row is said twice: the
   * component re-creates the text node for every seq.
   */
  say(text: string, how: Politeness = 'polite'): void {
    if (!text.trim()) return;
    const region = how === 'assertive' ? this.assertive : this.polite;
    region.text = text;
    region.seq++;
    this.log.push(text);
    if (this.log.length > LOG_MAX) this.log.shift();
  }

  /** An answer began (or began again, after Continue): said once per run, whatever streams in. */
  answerStarted(messageId: number): void {
    if (this.told.get(messageId) === 'started') return;
    this.told.set(messageId, 'started');
    this.say(t('announcer.answering'));
  }

  /** An answer is over: the whole of it is said, once. */
  answerEnded(m: Message): void {
    if (m.role !== 'assistant' || m.state === 'streaming' || this.told.get(m.id) === 'ended') return;
    this.told.set(m.id, 'ended');
    this.say(endedText(m), m.state === 'failed' ? 'assertive' : 'polite');
  }

  /** Reads an answer as far as it has come (the shortcut Ctrl+Shift+R). */
  readSoFar(text: string, running: boolean): void {
    const plain = plainText(text);
    if (!plain) this.say(running ? t('announcer.noTextYet') : t('app.thereIsNoAnswerTo'));
    else this.say(running ? t('announcer.soFar', { text: plain }) : t('announcer.answer', { text: plain }));
  }

  /** Forgets everything (tests). */
  reset(): void {
    this.told.clear();
    this.log.length = 0;
    this.polite = { text: '', seq: 0 };
    this.assertive = { text: '', seq: 0 };
  }
}

export const announcer = new Announcer();
