// The units view (docs/viewer.md, "units"): pick a conv layer and see every channel as a tile showing its feature map
// for the current input (the clicked point); hovering a tile shows that map large, the channel's top-k images with
// their receptive-field patches outlined, and its synthesized image. Clicking a scatter point (or a top image) makes
// that image the current input. Strings from data enter only as text (dom.ts).
import { getPoint, getUnitMaps, getUnits } from "../api";
import type { UnitMaps, UnitsLayer } from "../api";
import { byId, el, formatNumber, option, replaceChildren } from "../dom";
import { LatestRequest } from "../latest";
import type { Run } from "../run";
import type { ViewerStore } from "../state";
import { finiteRange, formatRatio, greyLevels, patchRect, synthesisScore, tileColumns } from "../units";
import type { SynthesisScore } from "../units";
import type { StatusPanel } from "./status";

const TILE = 48;
const LARGE = 132;
const TOP_SIZE = 64;

/** A canvas showing `values` (rows × columns) in grey, scaled to `size` CSS pixels on its longer side. */
function greyCanvas(values: ArrayLike<number>, rows: number, columns: number, size: number, range: [number, number], className: string): HTMLCanvasElement {
  const canvas = el("canvas", { class: className, width: String(columns), height: String(rows) });
  const scale = size / Math.max(rows, columns, 1);
  canvas.style.width = `${Math.round(columns * scale)}px`;
  canvas.style.height = `${Math.round(rows * scale)}px`;
  canvas.style.imageRendering = "pixelated";
  const context = canvas.getContext("2d");
  if (!context || rows <= 0 || columns <= 0) return canvas;
  const levels = greyLevels(values, range[0], range[1]);
  const image = context.createImageData(columns, rows);
  for (let i = 0; i < rows * columns; i++) image.data.set([levels[i], levels[i], levels[i], 255], i * 4);
  context.putImageData(image, 0, 0);
  return canvas;
}

/** Beside a synthesized image: what was raised, its value on the start and on the image, and the image's value over
 * the objective's mean over the data (the run's test images in the cnn demo). */
function scoreCaption(score: SynthesisScore): HTMLElement {
  const ratio = Number.isFinite(score.ratio)
    ? `${formatRatio(score.ratio)} its mean over the data (${formatNumber(score.mean)})`
    : `its mean over the data is ${formatNumber(score.mean)}, so no ratio`;
  return el(
    "figcaption",
    {
      class: "unit-synthesis-score",
      "data-objective": score.objective,
      "data-before": String(score.before),
      "data-after": String(score.after),
      "data-mean": String(score.mean),
      "data-ratio": String(score.ratio),
    },
    `${score.objective}: ${formatNumber(score.before)} → ${formatNumber(score.after)}, ${ratio}`,
  );
}

export class UnitsPanel {
  private readonly section = byId("units");
  private readonly request = new LatestRequest();
  private readonly mapsRequest = new LatestRequest();
  private run: Run | null = null;
  private index = -1;
  private layer: UnitsLayer | null = null;
  private maps: UnitMaps | null = null;
  private hovered: number | null = null;
  /** Input images of points, fetched once per run. */
  private images = new Map<number, Promise<{ width: number; height: number; pixels: number[] } | null>>();
  private readonly tiles = el("div", { id: "units-tiles", class: "unit-tiles" });
  private readonly detail = el("div", { id: "units-detail" });
  private readonly note = el("p", { class: "note", id: "units-note" });

  constructor(
    private readonly store: ViewerStore,
    private readonly status: StatusPanel,
    /** Makes a point the current input, as a click on it in the scatter does. */
    private readonly onPick: (point: number) => void,
  ) {
    store.watch((s) => s.clicked, () => void this.loadMaps());
  }

  async open(run: Run): Promise<void> {
    const entries = run.manifest.units ?? [];
    this.run = run;
    this.layer = null;
    this.maps = null;
    this.hovered = null;
    this.images = new Map();
    this.section.hidden = entries.length === 0;
    replaceChildren(this.section);
    if (entries.length === 0) {
      this.request.cancel();
      this.mapsRequest.cancel();
      return;
    }
    const picker = el("select", { id: "units-layer", "aria-label": "conv layer" });
    entries.forEach((e, i) => picker.append(option(String(i), e.layer, i === 0)));
    picker.addEventListener("change", () => void this.load(run, Number(picker.value)));
    replaceChildren(this.section, el("h2", {}, "Units"), picker, this.note, this.tiles, this.detail);
    await this.load(run, 0);
  }

  private async load(run: Run, index: number): Promise<void> {
    try {
      this.index = index;
      this.hovered = null;
      const answer = await this.request.run((signal) => getUnits(run.id, index, signal));
      if (!answer.latest || this.run !== run) return;
      this.layer = answer.value;
      this.maps = null;
      this.section.dataset.layer = answer.value.layer;
      this.drawTiles();
      replaceChildren(this.detail);
      await this.loadMaps();
    } catch (error) {
      this.status.error(error);
    }
  }

  /** Fetches every channel's map for the clicked point and redraws the tiles (and the hovered channel). */
  private async loadMaps(): Promise<void> {
    const run = this.run;
    const layer = this.layer;
    if (!run || !layer) return;
    const point = this.store.state.clicked;
    try {
      if (point === null) {
        this.mapsRequest.cancel();
        this.maps = null;
      } else {
        const answer = await this.mapsRequest.run((signal) => getUnitMaps(run.id, this.index, point, signal));
        if (!answer.latest || this.run !== run || this.layer !== layer) return;
        this.maps = answer.value;
      }
      this.drawTiles();
      if (this.hovered !== null) void this.showChannel(this.hovered);
    } catch (error) {
      this.status.error(error);
    }
  }

  private drawTiles(): void {
    const layer = this.layer;
    if (!layer) return;
    const maps = this.maps?.maps ?? null;
    const point = this.store.state.clicked;
    this.section.dataset.point = maps && this.maps ? String(this.maps.point) : "";
    this.note.textContent =
      point === null
        ? `${layer.channels} channels. Click a point to see its feature maps; hover a channel for its top ${layer.k} and synthesized image.`
        : maps
          ? `Feature maps of point ${point}, each scaled to its own range.`
          : `The run stores no feature maps of point ${point} (it keeps them for ${layer.mapPoints.length} points).`;
    this.tiles.style.gridTemplateColumns = `repeat(${tileColumns(layer.channels)}, ${TILE}px)`;
    const tiles = Array.from({ length: layer.channels }, (_, c) => {
      const map = maps?.[c];
      const picture = map
        ? greyCanvas(map, this.maps!.rows, this.maps!.columns, TILE, finiteRange(map), "unit-map")
        : layer.synthesis
          ? greyCanvas(layer.synthesis.images[c], layer.synthesis.height, layer.synthesis.width, TILE, finiteRange(layer.synthesis.images[c]), "unit-synthesis")
          : el("div", { class: "unit-blank" });
      const score = synthesisScore(layer.synthesis, c);
      const title = !score
        ? `channel ${c}`
        : Number.isFinite(score.ratio)
          ? `channel ${c} · ${score.objective}: ${formatRatio(score.ratio)} its mean over the data`
          : `channel ${c} · ${score.objective}: ${formatNumber(score.after)} (its mean over the data is ${formatNumber(score.mean)})`;
      const tile = el("div", { class: "unit-tile", "data-channel": String(c), title }, picture, el("span", { class: "unit-label" }, String(c)));
      tile.addEventListener("mouseenter", () => void this.showChannel(c));
      return tile;
    });
    replaceChildren(this.tiles, ...tiles);
  }

  /** The hovered channel: its map for the current input, its top-k with patches, its synthesized image. */
  private async showChannel(channel: number): Promise<void> {
    const run = this.run;
    const layer = this.layer;
    if (!run || !layer) return;
    this.hovered = channel;
    for (const tile of this.tiles.children) tile.classList.toggle("hovered", (tile as HTMLElement).dataset.channel === String(channel));
    const map = this.maps?.maps?.[channel];
    const parts: HTMLElement[] = [el("h3", {}, `${layer.layer} · channel ${channel}`)];
    if (map && this.maps) {
      const range = finiteRange(map);
      const canvas = greyCanvas(map, this.maps.rows, this.maps.columns, LARGE, range, "unit-map-large");
      canvas.dataset.point = String(this.maps.point);
      canvas.dataset.values = map.join(",");
      parts.push(el("figure", {}, canvas, el("figcaption", {}, `point ${this.maps.point}: ${formatNumber(range[0])} to ${formatNumber(range[1])}`)));
    }
    const top = layer.top[channel] ?? [];
    const figures = await Promise.all(top.map(async (hit) => {
      const image = await this.image(run, hit.point);
      const figure = el("figure", { class: "unit-top", "data-point": String(hit.point), "data-activation": String(hit.activation) });
      if (image) {
        const canvas = greyCanvas(image.pixels, image.height, image.width, TOP_SIZE, [0, 1], "unit-top-image");
        const scale = TOP_SIZE / Math.max(image.height, image.width, 1);
        const rect = patchRect(hit, image.width, image.height, scale);
        const wrapper = el("div", { class: "unit-top-frame" }, canvas);
        if (rect) {
          const outline = el("div", { class: "unit-patch" });
          Object.assign(outline.style, { left: `${rect.x}px`, top: `${rect.y}px`, width: `${rect.width}px`, height: `${rect.height}px` });
          outline.dataset.rect = [rect.x, rect.y, rect.width, rect.height].map((v) => v.toFixed(2)).join(",");
          wrapper.append(outline);
        }
        figure.append(wrapper);
      }
      figure.append(el("figcaption", {}, `#${hit.point} · ${formatNumber(hit.activation)}`));
      figure.addEventListener("click", () => this.onPick(hit.point));
      return figure;
    }));
    parts.push(el("h4", {}, `Top ${top.length}`), el("div", { class: "unit-top-grid" }, ...figures));
    if (layer.synthesis) {
      const images = layer.synthesis.images[channel];
      const canvas = greyCanvas(images, layer.synthesis.height, layer.synthesis.width, LARGE, finiteRange(images), "unit-synthesis-large");
      const score = synthesisScore(layer.synthesis, channel);
      parts.push(el("h4", {}, "Synthesized"), score ? el("figure", { class: "unit-synthesis-figure" }, canvas, scoreCaption(score)) : canvas);
    }
    if (this.hovered !== channel || this.layer !== layer) return;
    this.detail.dataset.channel = String(channel);
    replaceChildren(this.detail, ...parts);
  }

  private image(run: Run, point: number) {
    let image = this.images.get(point);
    if (!image) {
      image = getPoint(run.id, point).then((d) => (d.input?.kind === "image" ? d.input : null));
      this.images.set(point, image);
    }
    return image;
  }
}
