// The dynamics panel: for a run that records training dynamics, the report's plots drawn in the page — loss and
// accuracy per epoch (train and held-out), a layer's weights, gradients or activations as TensorBoard's distribution
// bands and histogram ridges, and the layer health table — linked to the epoch slider: the epoch the scatter shows is
// marked in every plot, and clicking a plot at an epoch asks for that epoch. Strings from data enter only as text.
import { getDynamics } from "../api";
import { byId, el, formatNumber, option, replaceChildren } from "../dom";
import {
  KIND_NAMES,
  bandPairs,
  curves,
  drawableSeries,
  epochDomain,
  extent,
  flags,
  linear,
  median,
  nearestEpoch,
  num,
  ridges,
} from "../dynamics";
import type { Curve, Dynamics, DynamicsLayer, DynamicsSeries } from "../dynamics";
import { LatestRequest } from "../latest";
import type { Run } from "../run";
import type { ViewerStore } from "../state";
import type { StatusPanel } from "./status";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 316;
const HEIGHT = 132;
const MARGIN = { left: 44, right: 8, top: 18, bottom: 20 };
/** Train, held-out: the accent and a blue that both read on the dark panel. */
const CURVE_COLORS = ["#f2c14e", "#5aa9e6"];

type Attributes = Record<string, string | number>;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

const path = (points: [number, number][]) =>
  points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)}`).join("");

export class DynamicsPanel {
  private readonly section = byId("dynamics");
  private readonly request = new LatestRequest();
  private dynamics: Dynamics | null = null;
  private layerName: string | null = null;
  private kind: string | null = null;
  /** The epoch marked in the plots: the slider's when its embedding has epochs, else the last one clicked. */
  private epoch: number | null = null;
  /** The network shown: its index in the run's dynamics. */
  private index = -1;
  private networkPicker: HTMLSelectElement | null = null;

  constructor(
    private readonly store: ViewerStore,
    private readonly status: StatusPanel,
    /** Asked when a plot is clicked at an epoch: moves the slider there when the embedding shown has that epoch. */
    private readonly onEpoch: (epoch: number) => void,
  ) {
    store.watch(
      (s) => s.series?.entries[s.epochIndex]?.epoch,
      (epoch) => {
        if (epoch !== undefined) this.mark(epoch);
      },
    );
    // A run of several networks names its layers "network/layer": showing one network's layer shows its dynamics.
    store.watch(
      (s) => s.series?.layer,
      (layer) => {
        const run = this.store.state.run;
        const entries = run?.manifest.dynamics ?? [];
        const index = layer === undefined ? -1 : entries.findIndex((e) => layer.startsWith(`${e.network}/`));
        if (run && index >= 0 && index !== this.index && this.networkPicker) {
          this.networkPicker.value = String(index);
          void this.load(run, index, this.networkPicker);
        }
      },
    );
  }


  /** Shows the first network's dynamics of `run`, or hides the panel when it has none. */
  async open(run: Run): Promise<void> {
    const entries = run.manifest.dynamics ?? [];
    this.dynamics = null;
    this.index = -1;
    this.networkPicker = null;
    this.section.hidden = entries.length === 0;
    replaceChildren(this.section);
    if (entries.length === 0) {
      this.request.cancel();
      return;
    }
    const network = el("select", { id: "dynamics-network", "aria-label": "network" });
    entries.forEach((e, i) => network.append(option(String(i), e.network, i === 0)));
    network.addEventListener("change", () => void this.load(run, Number(network.value), network));
    this.networkPicker = network;
    const layer = this.store.state.series?.layer;
    const matching = layer === undefined ? -1 : entries.findIndex((e) => layer.startsWith(`${e.network}/`));
    network.value = String(Math.max(0, matching));
    await this.load(run, Math.max(0, matching), network);
  }

  private async load(run: Run, index: number, network: HTMLSelectElement): Promise<void> {
    try {
      this.index = index;
      const answer = await this.request.run((signal) => getDynamics(run.id, index, signal));
      if (!answer.latest || this.store.state.run !== run) return;
      this.dynamics = answer.value;
      const shown = this.store.state.series?.entries[this.store.state.epochIndex]?.epoch;
      const epochs = this.dynamics.checkpoints.map((c) => c.epoch);
      this.epoch = shown !== undefined && epochs.includes(shown) ? shown : (epochs[epochs.length - 1] ?? null);
      const layers = this.dynamics.layers.filter((l) => drawableSeries(l).length > 0);
      if (!layers.some((l) => l.name === this.layerName)) this.layerName = layers[0]?.name ?? null;
      this.render(network);
    } catch (error) {
      this.status.error(error);
    }
  }

  /** Marks `epoch` in every plot. */
  private mark(epoch: number): void {
    this.epoch = epoch;
    this.section.dataset.epoch = String(epoch);
    for (const marker of this.section.querySelectorAll<SVGElement>("[data-marker]")) {
      const at = Number(marker.dataset.marker);
      marker.classList.toggle("current", at === epoch);
    }
  }

  private render(network: HTMLSelectElement): void {
    const dynamics = this.dynamics;
    if (!dynamics) return;
    const layers = dynamics.layers.filter((l) => drawableSeries(l).length > 0);
    const layerPicker = el("select", { id: "dynamics-layer", "aria-label": "layer" });
    for (const l of layers) layerPicker.append(option(l.name, l.name, l.name === this.layerName));
    const layer = layers.find((l) => l.name === this.layerName) ?? null;
    const series = layer ? drawableSeries(layer) : [];
    if (!series.some((s) => s.kind === this.kind)) this.kind = series[0]?.kind ?? null;
    const kindPicker = el("select", { id: "dynamics-kind", "aria-label": "values" });
    for (const s of series) kindPicker.append(option(s.kind, KIND_NAMES[s.kind], s.kind === this.kind));
    layerPicker.addEventListener("change", () => {
      this.layerName = layerPicker.value;
      this.render(network);
    });
    kindPicker.addEventListener("change", () => {
      this.kind = kindPicker.value;
      this.render(network);
    });

    const { loss, accuracy } = curves(dynamics);
    const chosen = series.find((s) => s.kind === this.kind) ?? null;
    replaceChildren(
      this.section,
      el("h2", {}, "Training dynamics"),
      dynamics.layers.length > 0 && network.options.length > 1 ? el("label", {}, "network", network) : null,
      this.curvePlot("loss", `loss (${dynamics.lossName})`, loss),
      accuracy.length > 0 ? this.curvePlot("accuracy", "accuracy", accuracy) : null,
      layers.length > 0 ? el("div", { class: "dynamics-pickers" }, el("label", {}, "layer", layerPicker), el("label", {}, "values", kindPicker)) : null,
      layer && chosen ? this.bandsPlot(layer, chosen) : null,
      layer && chosen ? this.ridgesPlot(layer, chosen) : null,
      this.healthTable(dynamics),
    );
    if (this.epoch !== null) this.mark(this.epoch);
  }

  /** A plot frame: the svg, its title, and a click that asks for the epoch nearest to the x clicked. */
  private frame(kind: string, title: string, epochs: number[], toEpoch: (x: number, y: number) => number | null): SVGSVGElement {
    const plot = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, class: "dynamics-plot" });
    plot.dataset.plot = kind;
    plot.dataset.epochs = epochs.join(",");
    plot.append(svg("text", { x: MARGIN.left, y: 12, class: "plot-title" }, title));
    plot.addEventListener("click", (event) => {
      const box = plot.getBoundingClientRect();
      const x = ((event.clientX - box.left) / box.width) * WIDTH;
      const y = ((event.clientY - box.top) / box.height) * HEIGHT;
      const epoch = toEpoch(x, y);
      if (epoch === null) return;
      this.mark(epoch);
      this.onEpoch(epoch);
    });
    return plot;
  }

  /** Axes of a plot over epochs: the value range on the left, the epochs underneath; returns the scales. */
  private axes(plot: SVGSVGElement, epochs: number[], values: [number, number]) {
    const x = linear(epochDomain(epochs), [MARGIN.left, WIDTH - MARGIN.right]);
    const y = linear(values, [HEIGHT - MARGIN.bottom, MARGIN.top]);
    plot.append(
      svg("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: HEIGHT - MARGIN.bottom, y2: HEIGHT - MARGIN.bottom, class: "axis" }),
      svg("text", { x: MARGIN.left - 4, y: MARGIN.top + 4, class: "tick end" }, formatNumber(values[1])),
      svg("text", { x: MARGIN.left - 4, y: HEIGHT - MARGIN.bottom, class: "tick end" }, formatNumber(values[0])),
    );
    // At most about eight epoch labels; every epoch still has its marker.
    const every = Math.max(1, Math.ceil(epochs.length / 8));
    epochs.forEach((e, i) => {
      if (i % every === 0 || i === epochs.length - 1)
        plot.append(svg("text", { x: x(e), y: HEIGHT - 6, class: "tick middle" }, String(e)));
      const marker = svg("line", { x1: x(e), x2: x(e), y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom, class: "epoch-marker" });
      marker.dataset.marker = String(e);
      plot.append(marker);
    });
    return { x, y };
  }

  private epochAt(epochs: number[]) {
    const toEpoch = linear([MARGIN.left, WIDTH - MARGIN.right], epochDomain(epochs));
    return (px: number) => nearestEpoch(epochs, toEpoch(px));
  }

  private curvePlot(kind: string, title: string, lines: Curve[]): SVGSVGElement {
    const epochs = lines[0]?.epochs ?? [];
    const plot = this.frame(kind, title, epochs, this.epochAt(epochs));
    const { x, y } = this.axes(plot, epochs, extent(lines.flatMap((l) => l.values)));
    lines.forEach((line, i) => {
      const points = line.epochs.map((e, j) => [x(e), y(line.values[j])] as [number, number]).filter(([, v]) => Number.isFinite(v));
      plot.append(svg("path", { d: path(points), class: "curve", stroke: CURVE_COLORS[i % CURVE_COLORS.length] }));
      for (const [px, py] of points) plot.append(svg("circle", { cx: px, cy: py, r: 2, fill: CURVE_COLORS[i % CURVE_COLORS.length] }));
      plot.append(svg("text", { x: WIDTH - MARGIN.right - 90 + i * 45, y: 12, class: "legend-text", fill: CURVE_COLORS[i % CURVE_COLORS.length] }, line.name));
    });
    return plot;
  }

  private bandsPlot(layer: DynamicsLayer, series: DynamicsSeries): SVGSVGElement {
    const epochs = series.epochs;
    const plot = this.frame("bands", `${layer.name} ${KIND_NAMES[series.kind]}: distributions`, epochs, this.epochAt(epochs));
    const pairs = bandPairs(series);
    const { x, y } = this.axes(plot, epochs, extent(series.bands.flatMap((b) => b.map(num))));
    pairs.forEach((pair, i) => {
      const upper = epochs.map((e, j) => [x(e), y(pair.upper[j])] as [number, number]);
      const lower = epochs.map((e, j) => [x(e), y(pair.lower[j])] as [number, number]).reverse();
      // Darker toward the median, as TensorBoard draws them.
      plot.append(svg("path", { d: path([...upper, ...lower]) + "Z", class: "band", "fill-opacity": (0.18 + (0.5 * i) / Math.max(1, pairs.length)).toFixed(2) }));
    });
    plot.append(svg("path", { d: path(epochs.map((e, j) => [x(e), y(median(series)[j])] as [number, number])), class: "curve median" }));
    return plot;
  }

  private ridgesPlot(layer: DynamicsLayer, series: DynamicsSeries): SVGSVGElement {
    const all = ridges(series);
    const epochs = all.map((r) => r.epoch);
    // The first epoch at the back (top), the last in front (bottom); each ridge rises from its own baseline.
    const depth = all.length > 1 ? (HEIGHT - MARGIN.top - MARGIN.bottom) * 0.55 / (all.length - 1) : 0;
    const rise = HEIGHT - MARGIN.top - MARGIN.bottom - depth * Math.max(0, all.length - 1);
    const baseline = (i: number) => MARGIN.top + rise + depth * i;
    const toRidge = (py: number) => {
      let nearest = -1;
      for (let i = 0; i < all.length; i++) if (nearest < 0 || Math.abs(baseline(i) - py) < Math.abs(baseline(nearest) - py)) nearest = i;
      return nearest < 0 ? null : all[nearest].epoch;
    };
    const plot = this.frame("ridges", `${layer.name} ${KIND_NAMES[series.kind]}: histograms`, epochs, (_, py) => toRidge(py));
    const values = extent(all.flatMap((r) => r.points.map(([v]) => v)));
    const maxCount = Math.max(1, ...all.flatMap((r) => r.points.map(([, c]) => c)));
    const x = linear(values, [MARGIN.left, WIDTH - MARGIN.right]);
    plot.append(
      svg("text", { x: MARGIN.left, y: HEIGHT - 6, class: "tick" }, formatNumber(values[0])),
      svg("text", { x: WIDTH - MARGIN.right, y: HEIGHT - 6, class: "tick end" }, formatNumber(values[1])),
    );
    all.forEach((r, i) => {
      const base = baseline(i);
      const outline = path(r.points.map(([v, c]) => [x(v), base - (c / maxCount) * rise] as [number, number]));
      const ridge = svg("path", { d: outline, class: "ridge epoch-marker" });
      ridge.dataset.marker = String(r.epoch);
      plot.append(ridge);
      if (i === 0 || i === all.length - 1) plot.append(svg("text", { x: MARGIN.left - 4, y: base, class: "tick end" }, `e${r.epoch}`));
    });
    return plot;
  }

  private healthTable(dynamics: Dynamics): HTMLElement {
    const rows = dynamics.health.map((h) => {
      const flagged = flags(h);
      return el(
        "tr",
        flagged.length > 0 ? { class: "flagged" } : {},
        el("td", {}, h.layer),
        el("td", {}, h.units === null || h.units === undefined ? "" : `${h.deadUnits.length} of ${h.units}`),
        el("td", { class: "number" }, formatNumber(num(h.gradientNorm))),
        el("td", { class: "number" }, formatNumber(num(h.updateRatio))),
        el("td", {}, flagged.length > 0 ? flagged.join(", ") : "ok"),
      );
    });
    return el(
      "table",
      { class: "health", id: "dynamics-health" },
      el("thead", {}, el("tr", {}, el("th", {}, "layer"), el("th", {}, "dead"), el("th", {}, "‖grad‖"), el("th", {}, "update"), el("th", {}, "flag"))),
      el("tbody", {}, ...rows),
    );
  }
}
