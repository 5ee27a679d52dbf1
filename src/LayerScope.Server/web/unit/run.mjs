// `npm run test:unit`: compiles the unit tests and the pure modules they import (tsconfig.unit.json) into .unit/,
// then runs them with Node's built-in test runner. Exits with the runner's status.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(web);
rmSync(".unit", { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const build = spawnSync(process.execPath, [tsc, "-p", "tsconfig.unit.json"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
// package.json says "type": "module"; tsc wrote CommonJS.
writeFileSync(join(".unit", "package.json"), '{ "type": "commonjs" }\n');

const tests = readdirSync(join(".unit", "unit"))
  .filter((name) => name.endsWith(".test.js"))
  .map((name) => join(".unit", "unit", name));
if (tests.length === 0) {
  console.error("no unit tests found in unit/*.test.ts");
  process.exit(1);
}
const run = spawnSync(process.execPath, ["--test", ...tests], { stdio: "inherit" });
process.exit(run.status ?? 1);
