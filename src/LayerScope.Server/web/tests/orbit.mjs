// Pick the 3-D embedding in the method picker (--method, default tsne), then drag on the scatter (no modifier key):
// the OrbitView rotates, so points move on screen while every point stays drawn.
import { finish, openViewer, option, scenario, screenPositions, settle } from "./browser.mjs";

await scenario(async ({ url, outdir, rest }) => {
  const { browser, page, log } = await openViewer(url);
  const state = () => page.evaluate(() => ({ dims: window.layerscope.dims, view: window.layerscope.view, drawn: window.layerscope.drawn }));
  const initial = await state();
  const count = await page.evaluate(() => window.layerscope.pointCount);
  await page.selectOption("#method", option(rest, "method") ?? "tsne");
  await page.waitForFunction(() => window.layerscope.dims === 3 && window.layerscope.view === "orbit", null, { timeout: 30_000 });
  await settle(page);
  const selected = await state();
  const before = await screenPositions(page, count);

  // Drag from the middle of the scatter, away from any panel, without a modifier: orbit, not lasso.
  const box = await page.locator("#scatter").boundingBox();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 120, y + 40, { steps: 12 });
  await page.mouse.up();
  await settle(page);
  const after = await screenPositions(page, count);
  const dragged = await state();
  const selection = await page.evaluate(() => window.layerscope.selected.length);
  await finish(browser, outdir, { count, initial, selected, dragged, selection, before, after, log });
});
