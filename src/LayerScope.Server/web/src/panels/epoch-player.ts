// The epoch player: the slider and its label, and play, which animates from the epoch shown to the last by
// blending positions between epochs. Only the latest epoch asked for is drawn.
import { byId } from "../dom";
import { LatestRequest } from "../latest";
import type { Answer } from "../latest";
import type { Run } from "../run";
import type { Scatter } from "../scatter";
import { blendPositions, epochLabel } from "../series";
import type { EmbeddingSeries } from "../series";
import type { ViewerStore } from "../state";
import type { StatusPanel } from "./status";

const SECONDS_PER_EPOCH = 0.8;

export class EpochPlayer {
  /** The positions of the epoch to draw: an epoch switch, play's end and a new series all go through it. */
  private readonly request = new LatestRequest();
  private readonly slider = byId<HTMLInputElement>("epoch");
  private readonly label = byId("epoch-label");
  private readonly button = byId<HTMLButtonElement>("play");

  constructor(
    private readonly store: ViewerStore,
    private readonly scatter: Scatter,
    private readonly status: StatusPanel,
    /** Called after an epoch is drawn: what depends on the activations shown is asked again. */
    private readonly onShown: () => Promise<void>,
  ) {
    this.slider.addEventListener("input", () => {
      this.stop();
      void this.show(Number(this.slider.value));
    });
    this.button.addEventListener("click", () => (this.store.state.playing ? this.stop() : void this.play()));
    store.watch((s) => s.playing, (playing) => (this.button.textContent = playing ? "❚❚" : "▶"));
  }

  /** Puts the slider at the series' last epoch (disabled when there is only one). */
  reset(series: EmbeddingSeries): void {
    const last = series.entries.length - 1;
    this.slider.max = String(last);
    this.slider.value = String(last);
    this.slider.disabled = last === 0;
    this.button.disabled = last === 0;
  }

  /** The positions of epoch `index` of the series shown, superseding any epoch asked for before. */
  load(run: Run, series: EmbeddingSeries, index: number): Promise<Answer<Float32Array>> {
    return this.request.run(() => run.embeddingPositions(series.entries[index]));
  }

  /** Marks epoch `index` as shown and labels it (the caller draws it). */
  shown(index: number): void {
    this.store.update({ epochIndex: index });
    this.showLabel(index);
  }

  /** Draws epoch `index` of the series shown. */
  async show(index: number): Promise<void> {
    const { run, series } = this.store.state;
    if (!run || !series) return;
    try {
      const answer = await this.load(run, series, index);
      if (!answer.latest || this.store.state.series !== series) return;
      this.shown(index);
      this.scatter.setPositions(answer.value);
      this.status.hideProgress();
      await this.onShown();
    } catch (error) {
      this.status.error(error);
    }
  }

  /** Stops play and moves the slider to epoch `index` of the series shown, drawing it (the dynamics panel asks). */
  select(index: number): void {
    this.stop();
    this.slider.value = String(index);
    void this.show(index);
  }

  /** Loads the other epochs of the series shown in the background, so that the slider and play respond at once. */
  async prefetch(): Promise<void> {
    const { run, series } = this.store.state;
    if (!run || !series) return;
    try {
      for (const entry of series.entries) await run.embeddingPositions(entry);
      this.status.hideProgress();
    } catch {
      // Shown when the epoch is asked for.
    }
  }

  /** Animates from the shown epoch to the last (or from the first, when at the last), interpolating positions. */
  async play(): Promise<void> {
    const { run, series } = this.store.state;
    if (!run || !series || series.entries.length < 2) return;
    const all = await Promise.all(series.entries.map((e) => run.embeddingPositions(e)));
    this.status.hideProgress();
    const last = all.length - 1;
    const from = this.store.state.epochIndex;
    let position = from >= last ? 0 : from;
    this.store.update({ playing: true });
    // The clock starts at the first frame: a frame's timestamp can be earlier than a performance.now() taken
    // before requesting it, and a negative step would index before the first epoch.
    let previous: number | null = null;
    const blend = new Float32Array(all[0].length);
    const step = (now: number) => {
      const state = this.store.state;
      if (!state.playing || state.series !== series) return;
      const elapsed = previous === null ? 0 : Math.max(0, now - previous);
      position = Math.min(last, position + elapsed / 1000 / SECONDS_PER_EPOCH);
      previous = now;
      this.scatter.setPositions(blendPositions(all, position, blend));
      this.slider.value = String(Math.round(position));
      this.showLabel(position);
      if (position >= last) {
        this.stop();
        void this.show(last);
      } else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }

  stop(): void {
    this.store.update({ playing: false });
  }

  private showLabel(position: number): void {
    this.label.textContent = epochLabel(this.store.state.series?.entries ?? [], position);
  }
}
