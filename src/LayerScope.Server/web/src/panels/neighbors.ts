// The neighbours panel: the clicked point's k nearest neighbours in the high-dimensional activations behind the
// embedding shown (not in the 2-D picture), with their distances and inputs. Asked again when the clicked point,
// the layer, the method or the epoch changes; only the latest answer shows.
import { getNeighbors } from "../api";
import { byId, el, formatNumber, replaceChildren } from "../dom";
import { LatestRequest } from "../latest";
import type { ViewerStore } from "../state";
import { SUMMARY_LIMIT } from "./point-details";
import type { PointDetails } from "./point-details";
import type { StatusPanel } from "./status";

export class NeighborsPanel {
  private readonly request = new LatestRequest();
  private readonly panel = byId("neighbors");
  private readonly k = byId<HTMLInputElement>("k");

  constructor(
    private readonly store: ViewerStore,
    private readonly details: PointDetails,
    private readonly status: StatusPanel,
  ) {}

  /** The neighbour count asked for: the k box, clamped to 1..100. */
  private get count(): number {
    return Math.max(1, Math.min(100, Math.round(Number(this.k.value) || 10)));
  }

  /** Lists the neighbours of the clicked point in the activations shown (or clears the panel). */
  async refresh(): Promise<void> {
    const { run, clicked: index, series, epochIndex } = this.store.state;
    const embedding = series?.entries[epochIndex] ?? null;
    const activations = run && embedding ? run.activationsFor(embedding) : null;
    if (!run || index === null || !embedding || !activations) {
      // Nothing to ask: an answer still on its way would list neighbours of a point no longer clicked.
      this.request.cancel();
      const note = run && index !== null && embedding ? `No activations are stored for layer ${embedding.layer}.` : null;
      this.show([], note ? el("p", { class: "note" }, note) : null);
      return;
    }
    try {
      const answer = await this.request.run((signal) => getNeighbors(run.id, activations.array, index, this.count, signal));
      const now = this.store.state;
      if (!answer.latest || now.clicked !== index || now.run !== run) return;
      const neighbors = answer.value.neighbors;
      const rows = neighbors.map((n, rank) => {
        const summary = el("td", { class: "summary" });
        if (rank < SUMMARY_LIMIT) void this.details.fillSummary(summary, n.index);
        return el(
          "tr",
          { "data-index": String(n.index) },
          el("td", { class: "index" }, String(n.index)),
          el("td", { class: "distance" }, formatNumber(n.distance)),
          summary,
        );
      });
      const self = el("div", { class: "self summary" });
      void this.details.fillSummary(self, index);
      this.show(
        neighbors.map((n) => n.index),
        el("h2", {}, `${neighbors.length} nearest neighbours of point ${index}`),
        self,
        el("p", { class: "note" }, `Euclidean distance in ${activations.array} (${embedding.layer}${activations.epoch !== undefined ? `, epoch ${activations.epoch}` : ""})`),
        el(
          "table",
          { class: "neighbor-list" },
          el("thead", {}, el("tr", {}, el("th", {}, "index"), el("th", {}, "distance"), el("th", {}, "input"))),
          el("tbody", {}, ...rows),
        ),
      );
    } catch (error) {
      this.status.error(error);
    }
  }

  private show(neighbors: number[], ...content: (HTMLElement | null)[]): void {
    this.store.update({ neighbors });
    replaceChildren(this.panel, ...content);
  }
}
