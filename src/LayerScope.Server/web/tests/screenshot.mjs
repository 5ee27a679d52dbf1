// Take a screenshot of the whole page to <outdir>/viewer.png, and count the distinct colors of the scatter.
import { join } from "node:path";
import { finish, openViewer, scenario, settle } from "./browser.mjs";

await scenario(async ({ url, outdir }) => {
  const { browser, page, log, readyMs } = await openViewer(url);
  await settle(page);
  const path = join(outdir, "viewer.png");
  await page.screenshot({ path });
  const png = await page.locator("#scatter").screenshot();
  const distinctColors = await page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, image.width, image.height).data;
    const colors = new Set();
    for (let i = 0; i < data.length; i += 4) colors.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return colors.size;
  }, png.toString("base64"));
  await finish(browser, outdir, { path, readyMs, distinctColors, log });
});
