// Hover a point (the most isolated of --candidates, default all) and read its tooltip.
import { finish, hoverPoint, isolatedPoint, openViewer, option, scenario } from "./browser.mjs";

await scenario(async ({ url, outdir, rest }) => {
  const { browser, page, log } = await openViewer(url);
  const candidates = option(rest, "candidates")?.split(",").map(Number);
  const { index, position } = await isolatedPoint(page, candidates);
  const tooltip = await hoverPoint(page, index, position);
  await finish(browser, outdir, { index, position, ...tooltip, log });
});
