/**
 * Runs `render` at most once per animation frame, however many changes asked for it:
 * a burst of 1,000 transitions costs one layout, not 1,000.
 */
export class FrameLoop {
  #requested = false;

  constructor(
    private readonly render: () => void,
    private readonly raf: (cb: () => void) => unknown = (cb) => requestAnimationFrame(cb),
  ) {}

  request(): void {
    if (this.#requested) return;
    this.#requested = true;
    this.raf(() => {
      this.#requested = false;
      this.render();
    });
  }
}
