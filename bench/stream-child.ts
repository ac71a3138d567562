/**
 * Child process of the streaming benchmark: `node --expose-gc --import tsx bench/stream-child.ts
 * <libsql|postgresql> <config JSON>`. Prints the measurements as one JSON line on stdout.
 * @module
 */
import type { BenchConfig, DialectKey } from "./config.js";
import { measureStream } from "./stream-rows.js";
import { openTarget } from "./targets.js";

const kind = process.argv[2] as DialectKey;
const config = JSON.parse(process.argv[3] ?? "{}") as BenchConfig;
const target = await openTarget(kind, config);
try {
  const m = await measureStream(target, config);
  process.stdout.write(`${JSON.stringify(m)}\n`);
} finally {
  await target.close();
}
