// The selection panel: the points a lasso or box took (listed, the first ones with their inputs) and their mean
// activation as a heatmap, in the activations behind the embedding shown. Only the latest mean shows.
import { getMean } from "../api";
import { byId, el, replaceChildren } from "../dom";
import { renderHeatmap } from "../heatmap";
import { LatestRequest } from "../latest";
import type { Pixel } from "../lasso";
import type { Scatter } from "../scatter";
import type { ViewerStore } from "../state";
import { SUMMARY_LIMIT } from "./point-details";
import type { PointDetails } from "./point-details";
import type { StatusPanel } from "./status";

/** Points listed by index; the count above the list says how many were selected in all. */
const LIST_LIMIT = 200;

export class SelectionPanel {
  private readonly request = new LatestRequest();
  private readonly list = byId("selection");
  private readonly heatmap = byId("heatmap");
  /** The activations array the heatmap shows the selection's mean of, null when none is shown. */
  private meanArray: string | null = null;

  constructor(
    private readonly store: ViewerStore,
    private readonly scatter: Scatter,
    private readonly details: PointDetails,
    private readonly status: StatusPanel,
  ) {}

  /** Forgets the last run's selection and drops a mean still on its way. */
  clear(): void {
    this.request.cancel();
    this.meanArray = null;
    replaceChildren(this.list);
    replaceChildren(this.heatmap);
  }

  /** Selects the points drawn inside a polygon (pixels relative to the scatter). */
  async lasso(polygon: Pixel[]): Promise<void> {
    if (!this.store.state.run) return;
    const selected = this.scatter.pointsInPolygon(polygon);
    this.store.update({ selected });
    const items = selected.slice(0, LIST_LIMIT).map((index, rank) => {
      const summary = el("span", { class: "summary" });
      if (rank < SUMMARY_LIMIT) void this.details.fillSummary(summary, index);
      return el("li", { "data-index": String(index) }, el("span", { class: "index" }, String(index)), summary);
    });
    replaceChildren(
      this.list,
      el("h2", {}, `${selected.length.toLocaleString()} selected`),
      selected.length > LIST_LIMIT ? el("p", { class: "note" }, `showing the first ${LIST_LIMIT}`) : null,
      el("ol", { class: "selection-list" }, ...items),
    );
    await this.showMean(false);
  }

  /**
   * Shows the mean activation of the selection in the activations behind the embedding shown. After a layer, method
   * or epoch switch (`onlyIfChanged`) it is fetched again only when those activations are another array.
   */
  async showMean(onlyIfChanged: boolean): Promise<void> {
    const { run, selected, series, epochIndex } = this.store.state;
    const embedding = series?.entries[epochIndex] ?? null;
    const activations = run && embedding ? run.activationsFor(embedding) : null;
    const array = selected.length > 0 && activations ? activations.array : null;
    if (onlyIfChanged && array === this.meanArray) return;
    this.meanArray = array;
    replaceChildren(this.heatmap);
    this.store.update({ heatmap: null });
    if (!run || array === null) {
      this.request.cancel();
      return;
    }
    try {
      const answer = await this.request.run((signal) => getMean(run.id, array, selected, signal));
      if (!answer.latest || this.store.state.run !== run) return;
      const mean = answer.value;
      replaceChildren(this.heatmap, el("h2", {}, "Mean activation"), renderHeatmap(mean, `${selected.length} points, ${array}`));
      this.store.update({ heatmap: { shape: [...mean.shape], values: [...mean.mean] } });
    } catch (error) {
      this.status.error(error);
    }
  }
}
