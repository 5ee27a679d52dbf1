// The viewer's wiring: one store (state.ts), the scatter, and one module per panel (panels/), joined here. A panel
// reads the store and writes its own part of it; the scatter's highlights follow the store.
import { listRuns } from "./api";
import { LatestRequest } from "./latest";
import { byId } from "./dom";
import { attachLasso } from "./lasso-overlay";
import { Run } from "./run";
import { defaultPointRadius } from "./point-size";
import { Scatter } from "./scatter";
import { initialState, openingState, testHook } from "./state";
import type { TestHook, ViewerState } from "./state";
import { Store } from "./store";
import { ColoringPanel } from "./panels/coloring";
import { DynamicsPanel } from "./panels/dynamics";
import { EpochPlayer } from "./panels/epoch-player";
import { NeighborsPanel } from "./panels/neighbors";
import { PointDetails } from "./panels/point-details";
import { RunPicker } from "./panels/run-picker";
import { SearchPanel } from "./panels/search";
import { SelectionPanel } from "./panels/selection";
import { StatusPanel } from "./panels/status";
import { Tooltip } from "./panels/tooltip";
import { UnitsPanel } from "./panels/units";

/** Above this many selected points the selection is not drawn as highlights (the list and the mean still show). */
const MAX_SELECTION_HIGHLIGHTS = 50_000;

export class App {
  readonly store = new Store<ViewerState>(initialState);
  readonly hook: TestHook;
  private readonly scatter: Scatter;
  private readonly details = new PointDetails();
  private readonly status = new StatusPanel();
  private readonly tooltip = new Tooltip(this.details);
  private readonly picker: RunPicker;
  private readonly coloring: ColoringPanel;
  private readonly player: EpochPlayer;
  private readonly neighbors: NeighborsPanel;
  private readonly selection: SelectionPanel;
  private readonly search: SearchPanel;
  private readonly dynamics: DynamicsPanel;
  private readonly units: UnitsPanel;
  /** Opening a run: a run asked for later wins over one still loading. */
  private readonly loading = new LatestRequest();
  /** Set once the user moves the point-size slider: from then on a run opens with their size, not its default. */
  private pointSizeChosen = false;

  constructor() {
    const store = this.store;
    const scatterElement = byId("scatter");
    this.scatter = new Scatter(scatterElement, {
      onHover: (index, x, y) => this.tooltip.hover(index, x, y),
      onClick: (index) => this.click(index),
      onFirstFrame: () => {
        store.update({ ready: true });
        performance.mark("layerscope-first-frame");
        void this.player.prefetch();
      },
    });
    this.hook = testHook(store, this.scatter);
    this.picker = new RunPicker({ onRun: (id) => void this.openRun(id), onSeries: () => void this.openSeries(true) });
    this.coloring = new ColoringPanel(() => void this.recolor());
    this.player = new EpochPlayer(store, this.scatter, this.status, () => this.refreshForActivations());
    this.neighbors = new NeighborsPanel(store, this.details, this.status);
    this.selection = new SelectionPanel(store, this.scatter, this.details, this.status);
    this.search = new SearchPanel(store, this.status);
    // A click on a dynamics plot moves the slider to that epoch when the embedding shown has it.
    this.dynamics = new DynamicsPanel(store, this.status, (epoch) => {
      const index = store.state.series?.entries.findIndex((e) => e.epoch === epoch) ?? -1;
      if (index >= 0 && index !== store.state.epochIndex) this.player.select(index);
    });
    this.units = new UnitsPanel(store, this.status, (index) => this.click(index));
    attachLasso(scatterElement, (polygon) => void this.selection.lasso(polygon));

    // The highlights are drawn from the store, so they cannot disagree with what the panels (and the hook) report.
    store.watch((s) => s.clicked, (i) => this.scatter.setHighlight("clicked", i === null ? [] : [i]));
    store.watch((s) => s.neighbors, (n) => this.scatter.setHighlight("neighbor", [...n]));
    store.watch((s) => s.selected, (s) => this.scatter.setHighlight("selected", s.length <= MAX_SELECTION_HIGHLIGHTS ? [...s] : []));
    store.watch((s) => s.matches, (m) => this.scatter.setHighlight("match", [...m]));
    store.watch((s) => s.run, (run) => this.details.setRun(run?.id ?? null));

    byId("point-size").addEventListener("input", () => {
      this.pointSizeChosen = true;
      this.applyStyle();
    });
    byId("opacity").addEventListener("input", () => this.applyStyle());
  }

  /** A point becomes the clicked one (the current input): by the scatter, or by a top image in the units view. */
  private click(index: number | null): void {
    this.store.update({ clicked: index });
    void this.neighbors.refresh();
  }

  async start(): Promise<void> {
    try {
      const runs = await listRuns();
      if (runs.length === 0) {
        this.status.show("No runs found: `layerscope serve DIR` looks for run.json in DIR and three levels below.");
        return;
      }
      await this.openRun(this.picker.listRuns(runs).id);
    } catch (error) {
      this.status.error(error);
    }
  }

  private async openRun(id: string): Promise<void> {
    this.player.stop();
    // Clicks, selections and matches are point indices of the run shown so far: they mean nothing in the next one.
    this.store.update(openingState(id));
    this.tooltip.hover(null, 0, 0);
    void this.neighbors.refresh();
    this.selection.clear();
    this.search.clear();
    this.status.reset();
    try {
      const loaded = await this.loading.run(() => Run.load(id, (name, received, total) => this.status.progress(name, received, total)));
      if (!loaded.latest) return;
      const run = loaded.value;
      this.store.update({ run });
      if (!this.pointSizeChosen) {
        byId<HTMLInputElement>("point-size").value = String(defaultPointRadius(run.pointCount));
        this.applyStyle();
      }
      this.picker.showRun(run);
      this.coloring.fill(run);
      void this.dynamics.open(run);
      void this.units.open(run);
      if (run.series.length === 0) {
        this.status.show("This run has no embeddings to draw.");
        return;
      }
      await this.openSeries(true);
    } catch (error) {
      this.status.error(error);
    }
  }

  private applyStyle(): void {
    this.scatter.setStyle(Number(byId<HTMLInputElement>("point-size").value), Number(byId<HTMLInputElement>("opacity").value));
  }

  /** Draws the series the pickers choose at its last epoch, with the colors chosen; refits the view when asked. */
  private async openSeries(refit: boolean): Promise<void> {
    const run = this.store.state.run;
    if (!run) return;
    this.player.stop();
    const series = this.picker.chosen();
    this.store.update({ series });
    if (!series) return;
    this.player.reset(series);
    const last = series.entries.length - 1;
    try {
      // The colors and the shown epoch load together; the first frame waits for nothing else.
      const [shown, painted] = await Promise.all([this.player.load(run, series, last), this.coloring.paint(run)]);
      if (!shown.latest || this.store.state.run !== run || this.store.state.series !== series) return;
      // Colors superseded by a later color-by choice: that choice's colors if they came already, else blank ones
      // until they come (recolor draws them).
      const previous = this.store.state.colors;
      const colors = painted.latest
        ? painted.value.colors
        : previous.length === run.pointCount * 4 ? previous : new Uint8Array(run.pointCount * 4);
      if (painted.latest) this.coloring.showLegend(painted.value.coloring);
      this.player.shown(last);
      this.store.update({ colors });
      this.scatter.setData(shown.value, colors, series.entries[last].dims === 3 ? 3 : 2, refit);
      this.status.hideProgress();
      await this.refreshForActivations();
    } catch (error) {
      this.status.error(error);
    }
  }

  /** The clicked point and the selection stay across switches; their neighbours and mean follow the layer shown. */
  private async refreshForActivations(): Promise<void> {
    await Promise.all([this.neighbors.refresh(), this.selection.showMean(true)]);
  }

  private async recolor(): Promise<void> {
    const run = this.store.state.run;
    if (!run) return;
    try {
      const painted = await this.coloring.paint(run);
      if (!painted.latest || this.store.state.run !== run) return;
      this.coloring.showLegend(painted.value.coloring);
      this.store.update({ colors: painted.value.colors });
      this.status.hideProgress();
      this.scatter.setColors(painted.value.colors);
    } catch (error) {
      this.status.error(error);
    }
  }
}
