// The run picker: the run list in the header (with the run's title beside it) and the layer and method pickers,
// which together choose the embedding series shown.
import type { RunSummary } from "../api";
import { byId, option, replaceChildren } from "../dom";
import type { Run } from "../run";
import type { EmbeddingSeries } from "../series";

export interface RunPickerEvents {
  onRun(id: string): void;
  /** The layer or method changed. */
  onSeries(): void;
}

export class RunPicker {
  private readonly run = byId<HTMLSelectElement>("run");
  private readonly title = byId("run-title");
  private readonly layer = byId<HTMLSelectElement>("layer");
  private readonly method = byId<HTMLSelectElement>("method");
  private shown: Run | null = null;

  constructor(events: RunPickerEvents) {
    this.run.addEventListener("change", () => events.onRun(this.run.value));
    this.layer.addEventListener("change", () => {
      this.fillMethods();
      events.onSeries();
    });
    this.method.addEventListener("change", () => events.onSeries());
  }

  /** Lists the runs and returns the one to open first: the page's `?run=`, else the first. */
  listRuns(runs: RunSummary[]): RunSummary {
    const wanted = new URLSearchParams(location.search).get("run");
    const first = runs.find((r) => r.id === wanted) ?? runs[0];
    replaceChildren(this.run, ...runs.map((r) => option(r.id, `${r.title || r.id} (${r.points.toLocaleString()} points)`, r.id === first.id)));
    return first;
  }

  /** Shows a loaded run: its title (also in the address and the tab) and its layers and methods. */
  showRun(run: Run): void {
    this.shown = run;
    const params = new URLSearchParams(location.search);
    params.set("run", run.id);
    history.replaceState(null, "", `?${params}`);
    this.title.textContent = [run.manifest.title, run.manifest.source].filter(Boolean).join(" · ");
    document.title = `LayerScope · ${run.manifest.title ?? run.id}`;
    const layers = [...new Set(run.series.map((s) => s.layer))];
    replaceChildren(this.layer, ...layers.map((l) => option(l, l)));
    this.fillMethods();
  }

  /** The series the layer and method pickers choose, null when the run has none. */
  chosen(): EmbeddingSeries | null {
    return this.shown?.series.find((s) => s.layer === this.layer.value && s.method === this.method.value) ?? null;
  }

  private fillMethods(): void {
    const methods = (this.shown?.series ?? []).filter((s) => s.layer === this.layer.value).map((s) => s.method);
    replaceChildren(this.method, ...methods.map((m) => option(m, m)));
  }
}
