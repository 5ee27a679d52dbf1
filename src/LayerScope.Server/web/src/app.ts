// The viewer: wires the run, the scatter and the panels together and keeps the state the test hook reports.
import { getMean, getNeighbors, getPoint, listRuns, search } from "./api";
import type { Column, EmbeddingEntry, PointDetail } from "./api";
import { fillColors, numberColoring, renderLegend } from "./colors";
import type { Coloring } from "./colors";
import { byId, el, formatNumber, option, replaceChildren } from "./dom";
import { renderHeatmap } from "./heatmap";
import { renderPointDetail, summarizeInput } from "./inputs";
import { attachLasso } from "./lasso";
import { Run } from "./run";
import type { EmbeddingSeries } from "./run";
import { Scatter } from "./scatter";

/** What `window.layerscope` exposes to tests (docs/viewer.md). */
export interface TestHook {
  ready: boolean;
  runId: string | null;
  pointCount: number;
  screenPosition(i: number): [number, number] | null;
  selected: number[];
  neighbors: number[];
  /** Dimensions of the embedding drawn: 2 (OrthographicView) or 3 (OrbitView). */
  readonly dims: 2 | 3;
  /** The id of the deck.gl view in use: "ortho" or "orbit" (null before the first frame). */
  readonly view: string | null;
  /** The number of points in the scatter's GPU buffers. */
  readonly drawn: number;
  /** Point i's fill color as drawn, [r, g, b, a] bytes, or null outside the data. */
  color(i: number): [number, number, number, number] | null;
  /** The points highlighted as search matches. */
  readonly matches: number[];
  /** The mean activation shown as a heatmap: its shape ([U] or [T, U]) and values (row-major), or null. */
  heatmap: { shape: number[]; values: number[] } | null;
}

const SECONDS_PER_EPOCH = 0.8;
const LIST_LIMIT = 200;
const SUMMARY_LIMIT = 25;

export class App {
  readonly hook: TestHook;
  private readonly scatter: Scatter;
  private run: Run | null = null;
  private series: EmbeddingSeries | null = null;
  private epochIndex = 0;
  private colors: Uint8Array = new Uint8Array(0);
  private playing = false;
  private hovered: number | null = null;
  private hoverAbort: AbortController | null = null;
  private readonly details = new Map<number, Promise<PointDetail>>();
  private loadToken = 0;
  private searchToken = 0;
  private neighborsToken = 0;
  private meanToken = 0;
  /** The activations array the heatmap shows the selection's mean of, null when none is shown. */
  private meanArray: string | null = null;
  private readonly progress = new Map<string, [number, number]>();

  private readonly ui = {
    run: byId<HTMLSelectElement>("run"),
    title: byId("run-title"),
    layer: byId<HTMLSelectElement>("layer"),
    method: byId<HTMLSelectElement>("method"),
    epoch: byId<HTMLInputElement>("epoch"),
    epochLabel: byId("epoch-label"),
    play: byId<HTMLButtonElement>("play"),
    colorBy: byId<HTMLSelectElement>("color-by"),
    legend: byId("legend"),
    pointSize: byId<HTMLInputElement>("point-size"),
    opacity: byId<HTMLInputElement>("opacity"),
    k: byId<HTMLInputElement>("k"),
    searchForm: byId<HTMLFormElement>("search-form"),
    search: byId<HTMLInputElement>("search"),
    searchResult: byId("search-result"),
    scatter: byId("scatter"),
    tooltip: byId("tooltip"),
    progress: byId("progress"),
    progressBar: byId("progress-bar"),
    progressText: byId("progress-text"),
    status: byId("status"),
    neighbors: byId("neighbors"),
    selection: byId("selection"),
    heatmap: byId("heatmap"),
  };

  constructor() {
    const app = this;
    this.hook = {
      ready: false,
      runId: null,
      pointCount: 0,
      screenPosition: (i: number) => app.scatter.screenPosition(i),
      selected: [],
      neighbors: [],
      get dims() {
        return app.scatter.dimensions;
      },
      get view() {
        return app.scatter.viewId;
      },
      get drawn() {
        return app.scatter.pointCount;
      },
      color: (i: number) => {
        const c = app.colors;
        return Number.isInteger(i) && i >= 0 && 4 * i + 3 < c.length ? [c[4 * i], c[4 * i + 1], c[4 * i + 2], c[4 * i + 3]] : null;
      },
      get matches() {
        return app.scatter.highlighted("match");
      },
      heatmap: null,
    };
    this.scatter = new Scatter(this.ui.scatter, {
      onHover: (index, x, y) => this.hover(index, x, y),
      onClick: (index) => void this.select(index),
      onFirstFrame: () => {
        this.hook.ready = true;
        performance.mark("layerscope-first-frame");
        void this.prefetchEpochs();
      },
    });
    attachLasso(this.ui.scatter, (polygon) => void this.lasso(polygon));
    this.bindControls();
  }

  async start(): Promise<void> {
    try {
      const runs = await listRuns();
      if (runs.length === 0) {
        this.showStatus("No runs found: `layerscope serve DIR` looks for run.json in DIR and three levels below.");
        return;
      }
      const wanted = new URLSearchParams(location.search).get("run");
      const first = runs.find((r) => r.id === wanted) ?? runs[0];
      replaceChildren(this.ui.run, ...runs.map((r) => option(r.id, `${r.title || r.id} (${r.points.toLocaleString()} points)`, r.id === first.id)));
      await this.openRun(first.id);
    } catch (error) {
      this.showError(error);
    }
  }

  private bindControls(): void {
    const ui = this.ui;
    ui.run.addEventListener("change", () => void this.openRun(ui.run.value));
    ui.layer.addEventListener("change", () => {
      this.fillMethods();
      void this.openSeries(true);
    });
    ui.method.addEventListener("change", () => void this.openSeries(true));
    ui.epoch.addEventListener("input", () => {
      this.stop();
      void this.showEpoch(Number(ui.epoch.value));
    });
    ui.play.addEventListener("click", () => (this.playing ? this.stop() : void this.play()));
    ui.colorBy.addEventListener("change", () => void this.recolor());
    const style = () => this.scatter.setStyle(Number(ui.pointSize.value), Number(ui.opacity.value));
    ui.pointSize.addEventListener("input", style);
    ui.opacity.addEventListener("input", style);
    ui.searchForm.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.search(ui.search.value.trim());
    });
    ui.scatter.addEventListener("pointerleave", () => this.hover(null, 0, 0));
  }

  // ---- runs, layers, methods, epochs ------------------------------------------------------------------------

  private async openRun(id: string): Promise<void> {
    const token = ++this.loadToken;
    this.stop();
    Object.assign(this.hook, { ready: false, runId: id, pointCount: 0, selected: [], neighbors: [], heatmap: null });
    this.meanToken++;
    this.searchToken++;
    this.meanArray = null;
    // Highlights are point indices of the run shown so far: they mean nothing in the next one.
    this.clicked = null;
    this.hover(null, 0, 0);
    for (const kind of ["clicked", "neighbor", "selected", "match"] as const) this.scatter.setHighlight(kind, []);
    this.details.clear();
    this.progress.clear();
    replaceChildren(this.ui.neighbors);
    replaceChildren(this.ui.selection);
    replaceChildren(this.ui.heatmap);
    replaceChildren(this.ui.searchResult);
    this.showStatus("");
    try {
      const run = await Run.load(id, (name, received, total) => this.showProgress(name, received, total));
      if (token !== this.loadToken) return;
      this.run = run;
      this.hook.pointCount = run.pointCount;
      const params = new URLSearchParams(location.search);
      params.set("run", id);
      history.replaceState(null, "", `?${params}`);
      this.ui.title.textContent = [run.manifest.title, run.manifest.source].filter(Boolean).join(" · ");
      document.title = `LayerScope · ${run.manifest.title ?? id}`;

      const layers = [...new Set(run.series.map((s) => s.layer))];
      replaceChildren(this.ui.layer, ...layers.map((l) => option(l, l)));
      this.fillMethods();
      const columns = run.colorColumns;
      const preferred = columns.find((c) => c.kind === "category") ?? columns[0];
      replaceChildren(
        this.ui.colorBy,
        option("", "(none)", !preferred),
        ...columns.map((c) => option(c.name, `${c.name} (${c.kind})`, c === preferred)),
      );
      if (layers.length === 0) {
        this.showStatus("This run has no embeddings to draw.");
        return;
      }
      await this.openSeries(true);
    } catch (error) {
      if (token === this.loadToken) this.showError(error);
    }
  }

  private fillMethods(): void {
    const run = this.run;
    if (!run) return;
    const methods = run.series.filter((s) => s.layer === this.ui.layer.value).map((s) => s.method);
    replaceChildren(this.ui.method, ...methods.map((m) => option(m, m)));
  }

  private async openSeries(refit: boolean): Promise<void> {
    const run = this.run;
    if (!run) return;
    this.stop();
    const series = run.series.find((s) => s.layer === this.ui.layer.value && s.method === this.ui.method.value) ?? null;
    this.series = series;
    if (!series) return;
    const last = series.entries.length - 1;
    this.ui.epoch.max = String(last);
    this.ui.epoch.value = String(last);
    this.ui.epoch.disabled = last === 0;
    this.ui.play.disabled = last === 0;
    const token = this.loadToken;
    try {
      // The colors and the shown epoch load together; the first frame waits for nothing else.
      const [positions, colors] = await Promise.all([run.embeddingPositions(series.entries[last]), this.computeColors(run)]);
      if (token !== this.loadToken || this.series !== series) return;
      this.epochIndex = last;
      this.colors = colors;
      this.updateEpochLabel(last);
      this.scatter.setData(positions, colors, series.entries[last].dims === 3 ? 3 : 2, refit);
      this.hideProgress();
      // The clicked point and the selection stay; their neighbours and mean come from the layer now shown.
      await Promise.all([this.refreshNeighbors(), this.showMean(true)]);
    } catch (error) {
      this.showError(error);
    }
  }

  private get embedding(): EmbeddingEntry | null {
    return this.series?.entries[this.epochIndex] ?? null;
  }

  private async showEpoch(index: number): Promise<void> {
    const run = this.run;
    const series = this.series;
    if (!run || !series) return;
    try {
      const positions = await run.embeddingPositions(series.entries[index]);
      if (this.series !== series) return;
      this.epochIndex = index;
      this.updateEpochLabel(index);
      this.scatter.setPositions(positions);
      this.hideProgress();
      await Promise.all([this.refreshNeighbors(), this.showMean(true)]);
    } catch (error) {
      this.showError(error);
    }
  }

  private updateEpochLabel(position: number): void {
    const entries = this.series?.entries ?? [];
    const at = entries[Math.round(position)];
    this.ui.epochLabel.textContent = at?.epoch !== undefined ? `epoch ${at.epoch}` : entries.length > 1 ? `step ${Math.round(position) + 1}` : "";
  }

  /** Loads the other epochs of the shown series in the background, so that the slider and play respond at once. */
  private async prefetchEpochs(): Promise<void> {
    const run = this.run;
    const series = this.series;
    if (!run || !series) return;
    try {
      for (const entry of series.entries) await run.embeddingPositions(entry);
      this.hideProgress();
    } catch {
      // Shown when the epoch is asked for.
    }
  }

  /** Animates from the shown epoch to the last (or from the first, when at the last), interpolating positions. */
  private async play(): Promise<void> {
    const run = this.run;
    const series = this.series;
    if (!run || !series || series.entries.length < 2) return;
    const all = await Promise.all(series.entries.map((e) => run.embeddingPositions(e)));
    this.hideProgress();
    const last = all.length - 1;
    let position = this.epochIndex >= last ? 0 : this.epochIndex;
    this.playing = true;
    this.ui.play.textContent = "❚❚";
    // The clock starts at the first frame: a frame's timestamp can be earlier than a performance.now() taken
    // before requesting it, and a negative step would index before the first epoch.
    let previous: number | null = null;
    const blend = new Float32Array(all[0].length);
    const step = (now: number) => {
      if (!this.playing || this.series !== series) return;
      const elapsed = previous === null ? 0 : Math.max(0, now - previous);
      position = Math.min(last, position + elapsed / 1000 / SECONDS_PER_EPOCH);
      previous = now;
      const i = Math.min(last - 1, Math.floor(position));
      const t = position - i;
      const a = all[i];
      const b = all[i + 1];
      for (let j = 0; j < blend.length; j++) blend[j] = a[j] + (b[j] - a[j]) * t;
      this.scatter.setPositions(blend);
      this.ui.epoch.value = String(Math.round(position));
      this.updateEpochLabel(position);
      if (position >= last) {
        this.stop();
        void this.showEpoch(last);
      } else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }

  private stop(): void {
    this.playing = false;
    this.ui.play.textContent = "▶";
  }

  // ---- colors ---------------------------------------------------------------------------------------------

  private async computeColors(run: Run): Promise<Uint8Array> {
    const column = run.colorColumns.find((c) => c.name === this.ui.colorBy.value);
    const coloring = await this.coloringOf(run, column);
    const colors = new Uint8Array(run.pointCount * 4);
    fillColors(coloring, colors);
    renderLegend(this.ui.legend, coloring);
    return colors;
  }

  private async coloringOf(run: Run, column: Column | undefined): Promise<Coloring> {
    if (!column || column.kind === "text") return { kind: "plain" };
    const { values } = await run.array(column.array);
    return column.kind === "category"
      ? { kind: "category", name: column.name, codes: values, categories: column.categories }
      : numberColoring(column.name, values);
  }

  private async recolor(): Promise<void> {
    const run = this.run;
    if (!run) return;
    try {
      this.colors = await this.computeColors(run);
      this.hideProgress();
      this.scatter.setColors(this.colors);
    } catch (error) {
      this.showError(error);
    }
  }

  // ---- hover, click, neighbours ------------------------------------------------------------------------------

  private detail(index: number, signal?: AbortSignal): Promise<PointDetail> {
    const run = this.run;
    if (!run) return Promise.reject(new Error("no run"));
    let pending = this.details.get(index);
    if (!pending) {
      pending = getPoint(run.id, index, signal);
      pending.catch(() => this.details.delete(index));
      if (this.details.size > 2000) this.details.clear();
      this.details.set(index, pending);
    }
    return pending;
  }

  private hover(index: number | null, x: number, y: number): void {
    const tooltip = this.ui.tooltip;
    if (index === null) {
      this.hovered = null;
      this.hoverAbort?.abort();
      tooltip.hidden = true;
      tooltip.removeAttribute("data-index");
      return;
    }
    const rect = this.ui.scatter.getBoundingClientRect();
    tooltip.style.left = `${Math.min(x + 14, Math.max(0, rect.width - 340))}px`;
    tooltip.style.top = `${Math.min(y + 14, Math.max(0, rect.height - 200))}px`;
    if (index === this.hovered) return;
    this.hovered = index;
    tooltip.hidden = false;
    tooltip.setAttribute("data-index", String(index));
    replaceChildren(tooltip, el("div", { class: "point-title" }, `point ${index}`));
    this.detail(index)
      .then((detail) => {
        if (this.hovered !== index) return;
        replaceChildren(tooltip, renderPointDetail(detail));
        tooltip.setAttribute("data-loaded", String(index));
      })
      .catch((error: unknown) => {
        if (this.hovered === index) replaceChildren(tooltip, el("div", { class: "error" }, String(error)));
      });
  }

  private clicked: number | null = null;

  private async select(index: number | null): Promise<void> {
    this.clicked = index;
    this.scatter.setHighlight("clicked", index === null ? [] : [index]);
    await this.refreshNeighbors();
  }

  private async refreshNeighbors(): Promise<void> {
    const token = ++this.neighborsToken;
    const run = this.run;
    const index = this.clicked;
    const embedding = this.embedding;
    if (!run || index === null || !embedding) {
      this.hook.neighbors = [];
      this.scatter.setHighlight("neighbor", []);
      replaceChildren(this.ui.neighbors);
      return;
    }
    const activations = run.activationsFor(embedding);
    if (!activations) {
      this.hook.neighbors = [];
      this.scatter.setHighlight("neighbor", []);
      replaceChildren(this.ui.neighbors, el("p", { class: "note" }, `No activations are stored for layer ${embedding.layer}.`));
      return;
    }
    const k = Math.max(1, Math.min(100, Math.round(Number(this.ui.k.value) || 10)));
    try {
      const answer = await getNeighbors(run.id, activations.array, index, k);
      if (token !== this.neighborsToken || this.clicked !== index || this.run !== run) return;
      const indices = answer.neighbors.map((n) => n.index);
      this.hook.neighbors = indices;
      this.scatter.setHighlight("neighbor", indices);
      const rows = answer.neighbors.map((n, rank) => {
        const summary = el("td", { class: "summary" });
        if (rank < SUMMARY_LIMIT) void this.fillSummary(summary, n.index);
        return el(
          "tr",
          { "data-index": String(n.index) },
          el("td", { class: "index" }, String(n.index)),
          el("td", { class: "distance" }, formatNumber(n.distance)),
          summary,
        );
      });
      const heading = el("h2", {}, `${indices.length} nearest neighbours of point ${index}`);
      const note = el("p", { class: "note" }, `Euclidean distance in ${activations.array} (${embedding.layer}${activations.epoch !== undefined ? `, epoch ${activations.epoch}` : ""})`);
      const self = el("div", { class: "self summary" });
      void this.fillSummary(self, index);
      replaceChildren(
        this.ui.neighbors,
        heading,
        self,
        note,
        el("table", { class: "neighbor-list" }, el("thead", {}, el("tr", {}, el("th", {}, "index"), el("th", {}, "distance"), el("th", {}, "input"))), el("tbody", {}, ...rows)),
      );
    } catch (error) {
      this.showError(error);
    }
  }

  private async fillSummary(cell: HTMLElement, index: number): Promise<void> {
    try {
      replaceChildren(cell, summarizeInput(await this.detail(index)));
    } catch {
      cell.textContent = "–";
    }
  }

  // ---- lasso and mean activation --------------------------------------------------------------------------

  private async lasso(polygon: [number, number][]): Promise<void> {
    const run = this.run;
    if (!run) return;
    const selected = this.scatter.pointsInPolygon(polygon);
    this.hook.selected = selected;
    this.scatter.setHighlight("selected", selected.length <= 50_000 ? selected : []);
    const items = selected.slice(0, LIST_LIMIT).map((index, rank) => {
      const summary = el("span", { class: "summary" });
      if (rank < SUMMARY_LIMIT) void this.fillSummary(summary, index);
      return el("li", { "data-index": String(index) }, el("span", { class: "index" }, String(index)), summary);
    });
    replaceChildren(
      this.ui.selection,
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
  private async showMean(onlyIfChanged: boolean): Promise<void> {
    const run = this.run;
    const selected = this.hook.selected;
    const embedding = this.embedding;
    const activations = run && embedding ? run.activationsFor(embedding) : null;
    const array = selected.length > 0 && activations ? activations.array : null;
    if (onlyIfChanged && array === this.meanArray) return;
    const token = ++this.meanToken;
    this.meanArray = array;
    replaceChildren(this.ui.heatmap);
    this.hook.heatmap = null;
    if (!run || array === null) return;
    try {
      const mean = await getMean(run.id, array, selected);
      if (token !== this.meanToken || this.run !== run) return;
      replaceChildren(this.ui.heatmap, el("h2", {}, "Mean activation"), renderHeatmap(mean, `${selected.length} points, ${array}`));
      this.hook.heatmap = { shape: [...mean.shape], values: [...mean.mean] };
    } catch (error) {
      if (token === this.meanToken) this.showError(error);
    }
  }

  // ---- search -------------------------------------------------------------------------------------------

  private async search(query: string): Promise<void> {
    const run = this.run;
    if (!run) return;
    // Only the latest search shows: an earlier answer arriving late must not replace it.
    const token = ++this.searchToken;
    if (query === "") {
      this.scatter.setHighlight("match", []);
      replaceChildren(this.ui.searchResult);
      return;
    }
    try {
      const result = await search(run.id, query);
      if (token !== this.searchToken || this.run !== run) return;
      this.scatter.setHighlight("match", result.matches);
      this.ui.searchResult.textContent =
        result.total > result.matches.length
          ? `${result.total.toLocaleString()} matches (first ${result.matches.length} highlighted)`
          : `${result.total.toLocaleString()} matches`;
    } catch (error) {
      this.showError(error);
    }
  }

  // ---- progress and messages --------------------------------------------------------------------------------

  private showProgress(name: string, received: number, total: number): void {
    this.progress.set(name, [received, total]);
    let got = 0;
    let all = 0;
    for (const [r, t] of this.progress.values()) {
      got += r;
      all += Math.max(t, r);
    }
    this.ui.progress.hidden = false;
    this.ui.progressBar.style.width = `${all > 0 ? (100 * got) / all : 0}%`;
    this.ui.progressText.textContent = `loading ${name}: ${(got / 1e6).toFixed(1)} of ${(all / 1e6).toFixed(1)} MB`;
  }

  private hideProgress(): void {
    for (const [r, t] of this.progress.values()) if (r < t) return;
    this.ui.progress.hidden = true;
  }

  private showStatus(message: string): void {
    this.ui.status.textContent = message;
    this.ui.status.hidden = message === "";
  }

  private showError(error: unknown): void {
    console.error(error);
    this.showStatus(error instanceof Error ? error.message : String(error));
  }
}
