// Hover the most isolated point of a run with relevance maps and read the map drawn in the tooltip: its attributes
// and, for a canvas, every pixel's RGB (row-major), for a value table every bar's color and value.
import { finish, hoverPoint, isolatedPoint, openViewer, scenario } from "./browser.mjs";

await scenario(async ({ url, outdir }) => {
  const { browser, page, log } = await openViewer(url);
  const { index, position } = await isolatedPoint(page);
  const tooltip = await hoverPoint(page, index, position);
  const map = await page.evaluate(() => {
    const element = document.querySelector("#tooltip .relevance-map");
    if (!element) return null;
    const attributes = {
      index: Number(element.getAttribute("data-index")),
      method: element.getAttribute("data-method"),
      target: Number(element.getAttribute("data-target")),
      extent: Number(element.getAttribute("data-extent")),
      caption: document.querySelector("#tooltip figure.relevance figcaption")?.textContent ?? null,
    };
    if (element instanceof HTMLCanvasElement) {
      const data = element.getContext("2d").getImageData(0, 0, element.width, element.height).data;
      const pixels = [];
      for (let i = 0; i < data.length; i += 4) pixels.push([data[i], data[i + 1], data[i + 2]]);
      return { ...attributes, kind: "canvas", width: element.width, height: element.height, pixels };
    }
    const rows = [...element.querySelectorAll("tr")].map((tr) => ({
      name: tr.querySelector("th").textContent,
      color: getComputedStyle(tr.querySelector(".relevance-bar")).backgroundColor,
    }));
    return { ...attributes, kind: "table", rows };
  });
  await finish(browser, outdir, { index, hoveredIndex: tooltip.hoveredIndex, map, log });
});
