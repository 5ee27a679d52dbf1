// The dynamics panel of a run that records training dynamics: what it draws, and its link to the epoch slider both
// ways (the slider marks the epoch in the plots; a click on a plot moves the slider).
import { finish, openViewer, scenario } from "./browser.mjs";

await scenario(async ({ url, outdir, rest }) => {
  const { browser, page, log } = await openViewer(url);
  if (rest.includes("--expect-none")) {
    // A run without dynamics: once its embedding is drawn, the panel stays hidden and empty.
    await page.waitForTimeout(500);
    const panel = await page.evaluate(() => ({ hidden: document.getElementById("dynamics").hidden, plots: document.querySelectorAll("#dynamics svg").length }));
    await finish(browser, outdir, { panel, log });
    return;
  }
  await page.waitForSelector("#dynamics svg[data-plot='ridges']", { timeout: 30_000 });
  const read = () =>
    page.evaluate(() => {
      const panel = document.getElementById("dynamics");
      const plots = [...panel.querySelectorAll("svg[data-plot]")].map((p) => ({
        plot: p.dataset.plot,
        epochs: p.dataset.epochs,
        title: p.querySelector(".plot-title")?.textContent ?? "",
        current: [...p.querySelectorAll(".current")].map((m) => m.dataset.marker),
        paths: p.querySelectorAll("path").length,
      }));
      return {
        hidden: panel.hidden,
        epoch: panel.dataset.epoch ?? null,
        slider: document.getElementById("epoch").value,
        label: document.getElementById("epoch-label").textContent,
        plots,
        layers: [...document.querySelectorAll("#dynamics-layer option")].map((o) => o.textContent),
        kinds: [...document.querySelectorAll("#dynamics-kind option")].map((o) => o.textContent),
        health: [...document.querySelectorAll("#dynamics-health tbody tr")].map((r) => ({
          cells: [...r.cells].map((c) => c.textContent),
          flagged: r.classList.contains("flagged"),
        })),
        // Markup in a layer name must stay text: no element of the panel may come from it.
        injected: panel.querySelectorAll("img").length,
      };
    });
  const atLast = await read();

  // The slider to the first epoch: the plots mark epoch 1.
  await page.fill("#epoch", "0");
  await page.waitForFunction(() => document.getElementById("dynamics").dataset.epoch === "1", null, { timeout: 30_000 });
  const afterSlider = await read();

  // A click on the loss plot at its right end (the last epoch) moves the slider back there.
  const box = await page.locator("#dynamics svg[data-plot='loss']").boundingBox();
  await page.mouse.click(box.x + box.width - 10, box.y + box.height / 2);
  await page.waitForFunction(() => document.getElementById("epoch").value === "1", null, { timeout: 30_000 });
  await page.waitForFunction(() => document.getElementById("epoch-label").textContent === "epoch 2", null, { timeout: 30_000 });
  const afterClick = await read();

  // Another layer and kind: the markup-named layer's weight gradients.
  const markup = atLast.layers.find((l) => l.includes("<"));
  await page.selectOption("#dynamics-layer", { label: markup });
  await page.selectOption("#dynamics-kind", { label: "weight gradients" });
  await page.waitForFunction(() => document.querySelector("#dynamics svg[data-plot='bands'] .plot-title")?.textContent.includes("weight gradients"));
  const otherLayer = await read();
  await page.screenshot({ path: `${outdir}/dynamics.png` });
  await finish(browser, outdir, { atLast, afterSlider, afterClick, otherLayer, log });
});
