// The status panel: the download bar over the scatter (all arrays in flight summed) and the one-line message for
// "no runs", "nothing to draw" and errors.
import { byId } from "../dom";
import { progressText, totalProgress } from "../progress";

export class StatusPanel {
  private readonly arrays = new Map<string, [number, number]>();
  private readonly ui = {
    progress: byId("progress"),
    bar: byId("progress-bar"),
    text: byId("progress-text"),
    status: byId("status"),
  };

  /** An array's download advanced: `received` of `total` bytes (0 when unknown). */
  progress(name: string, received: number, total: number): void {
    this.arrays.set(name, [received, total]);
    const sum = totalProgress(this.arrays.values());
    this.ui.progress.hidden = false;
    this.ui.bar.style.width = `${sum.total > 0 ? (100 * sum.received) / sum.total : 0}%`;
    this.ui.text.textContent = progressText(name, sum);
  }

  /** Hides the bar once every array has arrived. */
  hideProgress(): void {
    if (totalProgress(this.arrays.values()).done) this.ui.progress.hidden = true;
  }

  /** Forgets the downloads of the run shown so far. */
  reset(): void {
    this.arrays.clear();
    this.show("");
  }

  show(message: string): void {
    this.ui.status.textContent = message;
    this.ui.status.hidden = message === "";
  }

  error(error: unknown): void {
    console.error(error);
    this.show(error instanceof Error ? error.message : String(error));
  }
}
