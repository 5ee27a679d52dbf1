// "Latest answer wins", written once. The viewer asks the server again whenever the user acts (a search, a click,
// a lasso, a layer or epoch switch), and answers can arrive out of order: an earlier, slower answer must never
// replace a newer one. Each kind of request owns one LatestRequest; starting a request supersedes the one before
// (its signal is aborted, and its answer, or its error, is dropped). A request for its own answer (search, neighbours,
// mean) passes the signal to fetch; one that shares a cached download with others (Run.array) ignores it.

/** What a request came to: its value when it is still the latest, else only the fact that it was superseded. */
export type Answer<T> = { latest: true; value: T } | { latest: false };

export class LatestRequest {
  private generation = 0;
  private controller: AbortController | null = null;

  /**
   * Runs `work`, superseding every request started before. Resolves to `{ latest: true, value }` only when no other
   * request (nor `cancel`) came after it; rejects with `work`'s error only in that case too, so a superseded request
   * never shows an error.
   */
  async run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<Answer<T>> {
    const generation = this.supersede();
    const controller = new AbortController();
    this.controller = controller;
    try {
      const value = await work(controller.signal);
      return generation === this.generation ? { latest: true, value } : { latest: false };
    } catch (error) {
      if (generation !== this.generation) return { latest: false };
      throw error;
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  /** Supersedes the request in flight, if any, without starting another: its answer will be dropped. */
  cancel(): void {
    this.supersede();
  }

  private supersede(): number {
    this.controller?.abort();
    this.controller = null;
    return ++this.generation;
  }
}
