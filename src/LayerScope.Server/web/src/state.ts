// What the viewer shows, in one store (store.ts), and the test hook: a read-only view of that store plus what only
// the scatter knows (screen positions, the view in use), as `window.layerscope` (docs/viewer.md).
import type { Run } from "./run";
import type { Scatter } from "./scatter";
import type { EmbeddingSeries } from "./series";
import { Store } from "./store";

export interface MeanHeatmap {
  /** [U] or [T, U]. */
  shape: number[];
  /** Row-major. */
  values: number[];
}

export interface ViewerState {
  /** True from the first frame of a run's embedding until another run is opened. */
  ready: boolean;
  /** The run asked for (set at once), and the run loaded (set when its manifest arrives). */
  runId: string | null;
  run: Run | null;
  /** The layer and method shown, and the index of the epoch shown in it. */
  series: EmbeddingSeries | null;
  epochIndex: number;
  playing: boolean;
  /** Every point's fill color, N × RGBA bytes. */
  colors: Uint8Array;
  /** The clicked point and its nearest neighbours in the activations shown. */
  clicked: number | null;
  neighbors: readonly number[];
  /** The lasso's points and their mean activation (null when none is shown). */
  selected: readonly number[];
  heatmap: MeanHeatmap | null;
  /** The search's matches (at most the server's limit). */
  matches: readonly number[];
}

export const initialState: ViewerState = {
  ready: false,
  runId: null,
  run: null,
  series: null,
  epochIndex: 0,
  playing: false,
  colors: new Uint8Array(0),
  clicked: null,
  neighbors: [],
  selected: [],
  heatmap: null,
  matches: [],
};

/** The state a run starts with: nothing clicked, selected or searched, since those are point indices of a run. */
export const openingState = (runId: string): Partial<ViewerState> => ({ ...initialState, runId });

export type ViewerStore = Store<ViewerState>;

/** What `window.layerscope` exposes to tests (docs/viewer.md). Every member is read-only. */
export interface TestHook {
  readonly ready: boolean;
  readonly runId: string | null;
  readonly pointCount: number;
  screenPosition(i: number): [number, number] | null;
  readonly selected: number[];
  readonly neighbors: number[];
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
  readonly heatmap: MeanHeatmap | null;
}

/** The test hook over a store and a scatter: getters only, each returning a copy, so a test cannot change the page. */
export function testHook(store: ViewerStore, scatter: Scatter): TestHook {
  const state = () => store.state;
  return Object.freeze({
    get ready() { return state().ready; },
    get runId() { return state().runId; },
    get pointCount() { return state().run?.pointCount ?? 0; },
    screenPosition: (i: number) => scatter.screenPosition(i),
    get selected() { return [...state().selected]; },
    get neighbors() { return [...state().neighbors]; },
    get dims() { return scatter.dimensions; },
    get view() { return scatter.viewId; },
    get drawn() { return scatter.pointCount; },
    color: (i: number): [number, number, number, number] | null => {
      const c = state().colors;
      return Number.isInteger(i) && i >= 0 && 4 * i + 3 < c.length ? [c[4 * i], c[4 * i + 1], c[4 * i + 2], c[4 * i + 3]] : null;
    },
    get matches() { return [...state().matches]; },
    get heatmap() {
      const h = state().heatmap;
      return h ? { shape: [...h.shape], values: [...h.values] } : null;
    },
  });
}
