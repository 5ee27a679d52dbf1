// The coloring panel: the color-by picker and the legend, and every point's color for the column chosen (a
// category palette or viridis, colors.ts). Only the latest choice's colors are applied.
import type { Column } from "../api";
import { fillColors, numberColoring } from "../colors";
import type { Coloring } from "../colors";
import { byId, option, replaceChildren } from "../dom";
import { LatestRequest } from "../latest";
import type { Answer } from "../latest";
import { renderLegend } from "../legend";
import type { Run } from "../run";

export interface Painted {
  coloring: Coloring;
  /** N × RGBA bytes. */
  colors: Uint8Array;
}

export class ColoringPanel {
  private readonly request = new LatestRequest();
  private readonly colorBy = byId<HTMLSelectElement>("color-by");
  private readonly legend = byId("legend");

  constructor(onChange: () => void) {
    this.colorBy.addEventListener("change", onChange);
  }

  /** Offers the run's category and number columns, choosing the first category column. */
  fill(run: Run): void {
    const columns = run.colorColumns;
    const preferred = columns.find((c) => c.kind === "category") ?? columns[0];
    replaceChildren(
      this.colorBy,
      option("", "(none)", !preferred),
      ...columns.map((c) => option(c.name, `${c.name} (${c.kind})`, c === preferred)),
    );
  }

  /** The colors for the column chosen now (its array fetched once); superseded by a later call. */
  paint(run: Run): Promise<Answer<Painted>> {
    const column = run.colorColumns.find((c) => c.name === this.colorBy.value);
    return this.request.run(async () => {
      const coloring = await coloringOf(run, column);
      const colors = new Uint8Array(run.pointCount * 4);
      fillColors(coloring, colors);
      return { coloring, colors };
    });
  }

  showLegend(coloring: Coloring): void {
    renderLegend(this.legend, coloring);
  }
}

async function coloringOf(run: Run, column: Column | undefined): Promise<Coloring> {
  if (!column || column.kind === "text") return { kind: "plain" };
  const { values } = await run.array(column.array);
  return column.kind === "category"
    ? { kind: "category", name: column.name, codes: values, categories: column.categories }
    : numberColoring(column.name, values);
}
