// The geometry of a selection drawn over the scatter: the box an Alt-drag spans, the free-hand path a Shift-drag
// traces, and which projected points fall inside. Pure, unit-tested under Node; lasso-overlay.ts draws it.

export type Pixel = [number, number];

/** The rectangle from the drag's origin to the pointer, as a 4-corner polygon. */
export function boxPolygon([x0, y0]: Pixel, [x1, y1]: Pixel): Pixel[] {
  return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
}

/** The smallest step a free-hand path takes, in pixels: finer steps add vertices and no shape. */
export const MIN_STEP = 2;

/** Appends the pointer to a free-hand path unless it is within MIN_STEP of the last vertex; returns the path. */
export function extendPath(path: Pixel[], p: Pixel): Pixel[] {
  const last = path[path.length - 1];
  if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) >= MIN_STEP) path.push(p);
  return path;
}

/** Even–odd ray casting: whether (x, y) is inside the polygon. */
export function pointInPolygon(x: number, y: number, polygon: readonly Pixel[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The polygon's bounding box, [minX, minY, maxX, maxY]: a cheap test before the ray cast. */
export function bounds(polygon: readonly Pixel[]): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y] of polygon) {
    minX = Math.min(minX, x); maxX = Math.max(maxX, x);
    minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  return [minX, minY, maxX, maxY];
}
