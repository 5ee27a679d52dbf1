// The details of points (input and columns) fetched from the server once each, for the tooltip and the one-line
// summaries in the neighbour and selection lists.
import { getPoint } from "../api";
import type { PointDetail } from "../api";
import { replaceChildren } from "../dom";
import { summarizeInput } from "../inputs";

/** Enough for every list and a long hover session; beyond it the cache starts again. */
const CACHE_LIMIT = 2000;

/** List rows whose input summary is fetched; the rest show only their index (and distance). */
export const SUMMARY_LIMIT = 25;

export class PointDetails {
  private readonly cache = new Map<number, Promise<PointDetail>>();
  private runId: string | null = null;

  /** Points are indices of one run: a new run empties the cache. */
  setRun(runId: string | null): void {
    if (runId !== this.runId) this.cache.clear();
    this.runId = runId;
  }

  get(index: number): Promise<PointDetail> {
    const runId = this.runId;
    if (runId === null) return Promise.reject(new Error("no run"));
    let pending = this.cache.get(index);
    if (!pending) {
      pending = getPoint(runId, index);
      pending.catch(() => this.cache.delete(index));
      if (this.cache.size > CACHE_LIMIT) this.cache.clear();
      this.cache.set(index, pending);
    }
    return pending;
  }

  /** Fills a list cell with the point's one-line summary, or a dash when it cannot be fetched. */
  async fillSummary(cell: HTMLElement, index: number): Promise<void> {
    try {
      replaceChildren(cell, summarizeInput(await this.get(index)));
    } catch {
      cell.textContent = "–";
    }
  }
}
