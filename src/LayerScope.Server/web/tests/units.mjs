// The units view of a run with conv-layer units: the tiles before and after a scatter click, the hovered channel's
// feature map, top images with their patch outlines and synthesized image, a click on a top image, and the layer
// whose name is markup (which must stay text).
import { finish, isolatedPoint, openViewer, scenario, settle } from "./browser.mjs";

await scenario(async ({ url, outdir }) => {
  const { browser, page, log } = await openViewer(url);
  await page.waitForSelector("#units .unit-tile", { timeout: 30_000 });
  const read = () =>
    page.evaluate(() => {
      const section = document.getElementById("units");
      const detail = document.getElementById("units-detail");
      const large = detail.querySelector("canvas.unit-map-large");
      const synthesis = detail.querySelector("canvas.unit-synthesis-large");
      const grey = (canvas) => {
        if (!canvas) return null;
        const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        const levels = [];
        for (let i = 0; i < data.length; i += 4) levels.push(data[i]);
        return { width: canvas.width, height: canvas.height, levels };
      };
      return {
        hidden: section.hidden,
        layer: section.dataset.layer ?? null,
        point: section.dataset.point ?? null,
        note: document.getElementById("units-note").textContent,
        layers: [...document.querySelectorAll("#units-layer option")].map((o) => o.textContent),
        tiles: [...section.querySelectorAll(".unit-tile")].map((t) => ({
          channel: Number(t.dataset.channel),
          picture: t.firstElementChild.className,
          levels: t.firstElementChild instanceof HTMLCanvasElement ? grey(t.firstElementChild).levels : null,
        })),
        channel: detail.dataset.channel ?? null,
        heading: detail.querySelector("h3")?.textContent ?? null,
        map: large ? { point: Number(large.dataset.point), values: large.dataset.values.split(",").map(Number), ...grey(large) } : null,
        top: [...detail.querySelectorAll("figure.unit-top")].map((f) => ({
          point: Number(f.dataset.point),
          activation: Number(f.dataset.activation),
          rect: f.querySelector(".unit-patch")?.dataset.rect ?? null,
          caption: f.querySelector("figcaption").textContent,
        })),
        synthesis: grey(synthesis),
        score: (() => {
          const caption = detail.querySelector("figcaption.unit-synthesis-score");
          return caption ? { ...caption.dataset, text: caption.textContent } : null;
        })(),
        titles: [...section.querySelectorAll(".unit-tile")].map((t) => t.title),
        // Markup in a layer name must stay text: no element of the view may come from it.
        injected: section.querySelectorAll("img").length,
      };
    });
  const before = await read();

  // A click on an even point (the fixture stores maps of even points only) makes it the current input.
  const count = await page.evaluate(() => window.layerscope.pointCount);
  const { index, position } = await isolatedPoint(page, Array.from({ length: count }, (_, i) => i).filter((i) => i % 2 === 0));
  await page.mouse.move(position[0], position[1]);
  await page.mouse.click(position[0], position[1]);
  await page.waitForFunction((i) => document.getElementById("units").dataset.point === String(i), index, { timeout: 15_000 });
  await page.hover("#units .unit-tile[data-channel='1']");
  await page.waitForFunction(() => document.getElementById("units-detail").dataset.channel === "1" && document.querySelector("#units-detail canvas.unit-map-large"), null, { timeout: 15_000 });
  const clicked = await read();
  // Channel 2's data mean is 0: its caption must say there is no ratio.
  await page.hover("#units .unit-tile[data-channel='2']");
  await page.waitForFunction(() => document.getElementById("units-detail").dataset.channel === "2", null, { timeout: 15_000 });
  const noRatio = await read();
  await page.hover("#units .unit-tile[data-channel='1']");
  await page.waitForFunction(() => document.getElementById("units-detail").dataset.channel === "1" && document.querySelector("#units-detail canvas.unit-map-large"), null, { timeout: 15_000 });
  await page.screenshot({ path: `${outdir}/units.png` });

  // A click on the first top image makes that image the current input.
  await page.click("#units-detail figure.unit-top >> nth=0");
  const picked = clicked.top[0].point;
  await page.waitForFunction((p) => document.getElementById("units-note").textContent.includes(`point ${p}`), picked, { timeout: 15_000 });
  await settle(page);
  const afterTop = { ...(await read()), neighbors: await page.evaluate(() => window.layerscope.neighbors) };

  // The markup-named layer: top-k only, no maps or synthesis.
  await page.selectOption("#units-layer", { index: 1 });
  await page.waitForFunction(() => document.querySelectorAll("#units .unit-tile").length === 2, null, { timeout: 15_000 });
  await page.hover("#units .unit-tile[data-channel='0']");
  await page.waitForFunction(() => document.getElementById("units-detail").dataset.channel === "0" && document.querySelectorAll("#units-detail figure.unit-top").length > 0, null, { timeout: 15_000 });
  const markup = await read();
  await finish(browser, outdir, { index, before, clicked, noRatio, picked, afterTop, markup, log });
});
