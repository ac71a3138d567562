#!/usr/bin/env node
// Runs the whole vitest suite and ends with the plain "N passed, N failed" line CI reads,
// keeping vitest's exit code.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";

mkdirSync(".tmp", { recursive: true });
const report = ".tmp/vitest-report.json";
const run = spawnSync(
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
let summary = "0 passed, 1 failed";
try {
  const r = JSON.parse(readFileSync(report, "utf8"));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`;
} catch {
  // no report: vitest failed before running tests
}
console.log(`\ntests: ${summary}`);
process.exit(run.status ?? 1);
