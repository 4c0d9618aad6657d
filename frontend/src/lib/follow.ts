// Following a streaming answer in steps. Scrolling the list by a line at a
// time makes WebKit repaint the whole list for every streamed frame (under
// software rendering that is most of what a token costs). Instead the live
// answer holds room below its text (a min-height): the list is scrolled once
// to show that room, the text grows into it without moving anything, and
// only when the text reaches the room's end is more room held and the list
// scrolled again. Between steps a frame repaints only the growing text.

/** The share of the list's height held below a live answer's text. */
export const ROOM_SHARE = 0.5;

export class StepFollower {
  private holder: HTMLElement | null = null;
  private held = 0;

  /**
   * Keeps the newest content in view. live is the answer that is streaming,
   * or null; bottom scrolls the list to its end.
   */
  follow(scroller: HTMLElement, live: HTMLElement | null, bottom: () => void): void {
    if (!live) return bottom();
    // Still growing into the room it holds: nothing to move, unless what is
    // above it grew (a picture loaded) and pushed the room's end out of view.
    if (live === this.holder && live.offsetHeight <= this.held) {
      if (scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight > 1) bottom();
      return;
    }
    if (live !== this.holder) this.release();
    live.style.minHeight = '';
    const natural = live.offsetHeight;
    this.held = natural + Math.round(scroller.clientHeight * ROOM_SHARE);
    live.style.minHeight = this.held + 'px';
    this.holder = live;
    bottom();
  }

  /** A new message, another conversation: the last answer gives its room back. */
  release(): void {
    if (this.holder) this.holder.style.minHeight = '';
    this.holder = null;
    this.held = 0;
  }
}
