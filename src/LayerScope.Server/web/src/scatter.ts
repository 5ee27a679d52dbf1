// The WebGL scatter: one deck.gl ScatterplotLayer over binary attributes (positions as float32 × 3, colors as
// RGBA bytes), so a million points cost two GPU buffers and no per-point JavaScript objects. A second, small layer
// draws the highlighted points (neighbours, selection, search matches) on top.
import { COORDINATE_SYSTEM, Deck, OrbitView, OrthographicView } from "@deck.gl/core";
import type { PickingInfo, Viewport } from "@deck.gl/core";
import { ScatterplotLayer } from "@deck.gl/layers";
import { bounds, pointInPolygon } from "./lasso";
import type { Pixel } from "./lasso";
import { PointsLayer } from "./points-layer";

export type HighlightKind = "clicked" | "neighbor" | "selected" | "match";

interface Highlight {
  index: number;
  kind: HighlightKind;
}

const HIGHLIGHT_STYLE: Record<HighlightKind, { fill: [number, number, number, number]; line: [number, number, number]; scale: number }> = {
  clicked: { fill: [255, 255, 255, 255], line: [230, 30, 30], scale: 2.4 },
  neighbor: { fill: [255, 210, 0, 255], line: [20, 20, 20], scale: 1.9 },
  selected: { fill: [255, 255, 255, 230], line: [0, 0, 0], scale: 1.5 },
  match: { fill: [255, 0, 200, 255], line: [255, 255, 255], scale: 1.7 },
};

// The order highlights are drawn in: later kinds are drawn over earlier ones.
const HIGHLIGHT_ORDER: HighlightKind[] = ["selected", "match", "neighbor", "clicked"];

type ViewState = Record<string, unknown>;

/** deck.gl's binary data form: a length and ready-made attribute buffers, no per-point objects. */
interface BinaryData {
  length: number;
  attributes: Record<string, { value: Float32Array | Uint8Array; size: number; normalized?: boolean }>;
}

export interface ScatterEvents {
  onHover(index: number | null, x: number, y: number): void;
  onClick(index: number | null): void;
  onFirstFrame(): void;
}

export class Scatter {
  private readonly deck: Deck<OrbitView | OrthographicView>;
  private positions: Float32Array = new Float32Array(0);
  private colors: Uint8Array = new Uint8Array(0);
  private count = 0;
  private dims: 2 | 3 = 2;
  private viewState: ViewState = { target: [0, 0, 0], zoom: 0 };
  private pointSize = 3;
  private opacity = 0.8;
  private highlights = new Map<HighlightKind, number[]>();
  private dataVersion = 0;
  private data: BinaryData = { length: 0, attributes: {} };
  private firstFrameSeen = false;
  private hasData = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly events: ScatterEvents,
  ) {
    this.deck = new Deck<OrbitView | OrthographicView>({
      parent: container as HTMLDivElement,
      views: this.view(),
      initialViewState: this.viewState,
      controller: true,
      layers: [],
      useDevicePixels: 1,
      // No multisampling and no preserved drawing buffer: where WebGL runs on the CPU (SwiftShader) MSAA rasterizes
      // every fragment four times and a preserved buffer is copied each frame; together they made the first frame
      // of a million points two to three times slower. PointsLayer smooths its own edges instead.
      deviceProps: { webgl: { antialias: false, preserveDrawingBuffer: false } },
      getCursor: ({ isHovering, isDragging }) => (isDragging ? "grabbing" : isHovering ? "pointer" : "crosshair"),
      onViewStateChange: ({ viewState }) => {
        this.viewState = viewState as ViewState;
        this.deck.setProps({ viewState: this.viewState });
        return viewState;
      },
      onHover: (info: PickingInfo) => this.events.onHover(this.pickedIndex(info), info.x, info.y),
      onClick: (info: PickingInfo) => this.events.onClick(this.pickedIndex(info)),
      onAfterRender: () => {
        if (this.hasData && !this.firstFrameSeen) {
          this.firstFrameSeen = true;
          this.events.onFirstFrame();
        }
      },
    });
  }

  get pointCount(): number {
    return this.count;
  }

  get dimensions(): 2 | 3 {
    return this.dims;
  }

  /** Takes new positions (N × 3, z = 0 for 2-D) and colors (N × 4); refits the view when asked to. */
  setData(positions: Float32Array, colors: Uint8Array, dims: 2 | 3, refit: boolean): void {
    const viewChanged = dims !== this.dims;
    this.positions = positions;
    this.colors = colors;
    this.count = positions.length / 3;
    this.dims = dims;
    this.hasData = true;
    this.changed();
    if (viewChanged || refit) this.fit();
    this.render();
  }

  setPositions(positions: Float32Array): void {
    this.positions = positions;
    this.changed();
    this.render();
  }

  setColors(colors: Uint8Array): void {
    this.colors = colors;
    this.changed();
    this.render();
  }

  /** New buffers: a new data object (deck.gl compares data by identity) and a new version for the overlay. */
  private changed(): void {
    this.dataVersion++;
    this.data = {
      length: this.count,
      attributes: {
        getPosition: { value: this.positions, size: 3 },
        getFillColor: { value: this.colors, size: 4, normalized: true },
      },
    };
  }

  setStyle(pointSize: number, opacity: number): void {
    this.pointSize = pointSize;
    this.opacity = opacity;
    this.render();
  }

  /** The points highlighted as `kind`. */
  highlighted(kind: HighlightKind): number[] {
    return [...(this.highlights.get(kind) ?? [])];
  }

  /** The id of the view drawn ("ortho" or "orbit"), null before there is a viewport. */
  get viewId(): string | null {
    return this.viewport()?.id ?? null;
  }

  setHighlight(kind: HighlightKind, indices: number[]): void {
    this.highlights.set(kind, indices);
    this.render();
  }

  /** Where point i is drawn, in CSS pixels from the top left of the page, or null when it is not on screen. */
  screenPosition(i: number): [number, number] | null {
    const viewport = this.viewport();
    if (!viewport || !Number.isInteger(i) || i < 0 || i >= this.count) return null;
    const p = this.positions;
    const [x, y] = viewport.project([p[3 * i], p[3 * i + 1], p[3 * i + 2]]);
    if (!(x >= 0 && y >= 0 && x <= viewport.width && y <= viewport.height)) return null;
    const rect = this.container.getBoundingClientRect();
    return [rect.left + x, rect.top + y];
  }

  /**
   * The points whose projection falls inside a polygon given in pixels relative to the scatter's top-left corner.
   * Projects every point with the viewport's pixel projection matrix (inline, no allocation per point).
   */
  pointsInPolygon(polygon: readonly Pixel[]): number[] {
    const viewport = this.viewport();
    if (!viewport || polygon.length < 3) return [];
    const [minX, minY, maxX, maxY] = bounds(polygon);
    const m = viewport.pixelProjectionMatrix;
    const p = this.positions;
    const inside: number[] = [];
    for (let i = 0; i < this.count; i++) {
      const x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
      const w = m[3] * x + m[7] * y + m[11] * z + m[15];
      const sx = (m[0] * x + m[4] * y + m[8] * z + m[12]) / w;
      const sy = (m[1] * x + m[5] * y + m[9] * z + m[13]) / w;
      if (sx < minX || sx > maxX || sy < minY || sy > maxY) continue;
      if (pointInPolygon(sx, sy, polygon)) inside.push(i);
    }
    return inside;
  }

  /** Fits the view to the data's bounding box. */
  fit(): void {
    const { width, height } = this.container.getBoundingClientRect();
    const p = this.positions;
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < p.length; i += 3)
      for (let d = 0; d < 3; d++) {
        const v = p[i + d];
        if (v < lo[d]) lo[d] = v;
        if (v > hi[d]) hi[d] = v;
      }
    if (!Number.isFinite(lo[0])) return;
    const target = [0, 1, 2].map((d) => (lo[d] + hi[d]) / 2);
    const extent = Math.max(hi[0] - lo[0], hi[1] - lo[1], this.dims === 3 ? hi[2] - lo[2] : 0) || 1;
    const zoom = Math.log2((Math.min(width, height) * 0.85) / extent);
    this.viewState =
      this.dims === 3
        ? { target, zoom, rotationX: 25, rotationOrbit: 30, minZoom: -20, maxZoom: 40 }
        : { target, zoom, minZoom: -20, maxZoom: 40 };
    this.deck.setProps({ views: this.view(), viewState: this.viewState });
  }

  private view() {
    return this.dims === 3
      ? new OrbitView({ id: "orbit", orbitAxis: "Y", controller: true })
      // y grows upwards, as in the PNG figures of the same embedding (deck.gl's default is screen-like, downwards).
      : new OrthographicView({ id: "ortho", flipY: false, controller: true });
  }

  private viewport(): Viewport | null {
    const viewports = this.deck.getViewports();
    return viewports.length > 0 ? viewports[0] : null;
  }

  private pickedIndex(info: PickingInfo): number | null {
    if (info.index < 0 || !info.layer) return null;
    if (info.layer.id === "points") return info.index;
    const object = info.object as Highlight | undefined;
    return object ? object.index : null;
  }

  private render(): void {
    if (!this.hasData) return;
    const positions = this.positions;
    const points = new PointsLayer({
      id: "points",
      coordinateSystem: COORDINATE_SYSTEM.CARTESIAN,
      data: this.data,
      pointSize: 2 * this.pointSize,
      opacity: this.opacity,
      pickable: true,
      parameters: { depthCompare: "always" },
    });
    const highlighted: Highlight[] = [];
    for (const kind of HIGHLIGHT_ORDER)
      for (const index of this.highlights.get(kind) ?? []) if (index >= 0 && index < this.count) highlighted.push({ index, kind });
    const overlay = new ScatterplotLayer<Highlight>({
      id: "highlights",
      coordinateSystem: COORDINATE_SYSTEM.CARTESIAN,
      data: highlighted,
      getPosition: (h) => [positions[3 * h.index], positions[3 * h.index + 1], positions[3 * h.index + 2]],
      getFillColor: (h) => HIGHLIGHT_STYLE[h.kind].fill,
      getLineColor: (h) => HIGHLIGHT_STYLE[h.kind].line,
      getRadius: (h) => Math.max(3, this.pointSize * HIGHLIGHT_STYLE[h.kind].scale),
      updateTriggers: { getPosition: this.dataVersion, getRadius: this.pointSize },
      radiusUnits: "pixels",
      stroked: true,
      lineWidthUnits: "pixels",
      getLineWidth: 1.5,
      pickable: true,
      billboard: this.dims === 3,
      parameters: { depthCompare: "always" },
    });
    this.deck.setProps({ layers: [points, overlay] });
  }
}
