// Images attached in the composer for the next message: read (and made
// smaller) as they are attached, refused when the selected model cannot see,
// and gone once the message is sent (kept when the send failed).
import { t } from '../i18n/t.svelte';
import type { ImageInput } from '../api';
import { canSee, checkImage, MAX_IMAGES, prepareImage } from '../images';
import { attachedDocuments } from './documents.svelte';
import { models } from './models.svelte';
import { toasts } from './toasts.svelte';
import { ui } from './ui.svelte';

/** An image attached in the composer, not sent yet: `url` is an object URL for its thumbnail. */
export interface PendingImage {
  key: number;
  name: string;
  url: string;
  input: ImageInput;
}
let imageSeq = 0;

function objectURL(f: Blob): string {
  return typeof URL.createObjectURL === 'function' ? URL.createObjectURL(f) : '';
}
function revoke(p: PendingImage): void {
  if (p.url && typeof URL.revokeObjectURL === 'function') URL.revokeObjectURL(p.url);
}

export class AttachmentsStore {
  /** Images attached in the composer, sent with the next message. */
  images = $state<PendingImage[]>([]);
  /** Attached images still being read (or made smaller). */
  preparing = $state(0);
  /**
   * Whether the selected model can see images: false when the server says it
   * cannot, undefined when it does not say (Go lets images through then).
   */
  sees = $derived(canSee(models.selectedEndpoint?.models.find((m) => m.name === models.selection.model)));

  private cannotSee(): string {
    return t('attachments.cannotSee', { model: models.selection.model });
  }

  /**
   * Attaches image files (dropped, pasted or picked) for the next message.
   * A model that cannot see gets none; a file of another type, too large, or
   * past the 8th is refused with a toast. Resolves when every file is read.
   */
  async add(files: File[]): Promise<void> {
    if (!files.length) return;
    if (this.sees === false) {
      toasts.show(this.cannotSee(), 'error');
      return;
    }
    const jobs: Promise<void>[] = [];
    for (const f of files) {
      const bad = checkImage(f);
      if (bad) {
        toasts.show(t('attachments.couldNotAttach', { why: bad }), 'error');
        continue;
      }
      if (this.images.length + this.preparing >= MAX_IMAGES) {
        toasts.show(t('attachments.tooMany', { max: MAX_IMAGES, name: f.name }), 'error');
        continue;
      }
      this.preparing++;
      jobs.push(
        prepareImage(f)
          .then((input) => {
            this.images.push({ key: ++imageSeq, name: input.name, url: objectURL(f), input });
          })
          .catch((e) => {
            toasts.fail(t('attachments.couldNotAttachImage'), e);
          })
          .finally(() => {
            this.preparing--;
          }),
      );
    }
    await Promise.all(jobs);
  }

  remove(key: number): void {
    const p = this.images.find((x) => x.key === key);
    if (!p) return;
    revoke(p);
    this.images = this.images.filter((x) => x.key !== key);
    ui.focusComposer();
  }

  /** Whether a message may be sent with what is attached; says why not (a toast) when not. */
  ready(): boolean {
    if (this.preparing || attachedDocuments.reading) {
      toasts.show(t('attachments.attachmentsAreStillBeingRead'), 'info');
      return false;
    }
    if (this.images.length && this.sees === false) {
      toasts.show(this.cannotSee(), 'error');
      return false;
    }
    return true;
  }

  /** The images a message went with are gone from the composer. */
  sent(images: PendingImage[]): void {
    if (!images.length) return;
    for (const p of images) revoke(p);
    this.images = this.images.filter((x) => !images.some((p) => p.key === x.key));
  }
}

export const attachments = new AttachmentsStore();
