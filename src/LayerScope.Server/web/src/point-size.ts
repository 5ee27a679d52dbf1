// The point size a run opens with. Pure, so it is unit-tested under Node.

/** The point-size slider's default and smallest radius, in CSS pixels (index.html). */
export const DEFAULT_POINT_RADIUS = 3;
export const MIN_POINT_RADIUS = 0.5;

/** Up to this many points the default radius is used as it is. */
const FULL_SIZE_POINTS = 20_000;

/**
 * The default point radius for a run of `points` points. Past about 20,000 points, discs of radius 3 already ink
 * more pixels than the scatter has, so they only hide one another; the radius shrinks as 1/√N, keeping the inked area
 * about constant, down to half a pixel (a 1-pixel point, which every point still gets). This is also what makes a
 * million points drawable where WebGL runs on the CPU (SwiftShader): a 6-pixel disc costs about 28 fragments, a
 * 1-pixel point one. Rounded to the slider's 0.5 steps.
 */
export function defaultPointRadius(points: number): number {
  if (!(points > FULL_SIZE_POINTS)) return DEFAULT_POINT_RADIUS;
  const radius = DEFAULT_POINT_RADIUS * Math.sqrt(FULL_SIZE_POINTS / points);
  return Math.max(MIN_POINT_RADIUS, Math.round(radius * 2) / 2);
}
