/**
 * Profile the athanor side of one benchmark (no raw side, no report):
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts <lookup|lookup-raw|read|insert|stream> <libsql|postgresql> [rounds]
 *
 * then summarize the .cpuprofile with `node bench/profile-summary.mjs /tmp/prof/<file>`.
 * @module
 */
import { insert, select } from "../src/index.js";
import { loadConfig, type DialectKey } from "./config.js";
import { benchTable, drop, recreate } from "./schema.js";
import { fillRows, openTarget } from "./targets.js";

const [what = "lookup", kind = "libsql", roundsArg = "5"] = process.argv.slice(2);
const config = loadConfig([], process.env);
const rounds = Number(roundsArg);
const target = await openTarget(kind as DialectKey, config);
const def = benchTable("athanor_bench_profile");
const t = def.table;
await recreate(target, def);
let sink = 0;
const t0 = performance.now();
if (what === "lookup") {
  await fillRows(target, t.name, 1000);
  for (let r = 0; r < rounds; r++) {
    await target.engine.connect(async (conn) => {
      for (let i = 0; i < config.lookups; i++) sink += (await conn.execute(select(t).where(t.c.id.eq((i % 1000) + 1)))).one().name.length;
    });
  }
} else if (what === "lookup-raw") {
  await fillRows(target, t.name, 1000);
  const sql = `SELECT id, name, value FROM ${t.name} WHERE id = ${target.kind === "libsql" ? "?" : "$1"}`;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < config.lookups; i++) {
      if (target.kind === "libsql") sink += ((await target.client.execute({ sql, args: [(i % 1000) + 1] })).rows[0]!.name as string).length;
      else sink += ((await target.sql.unsafe(sql, [(i % 1000) + 1], { prepare: true }).values())[0]![1] as string).length;
    }
  }
} else if (what === "read" || what === "stream") {
  await fillRows(target, t.name, config.readRows);
  for (let r = 0; r < rounds; r++) {
    await target.engine.connect(async (conn) => {
      if (what === "read") for (const row of (await conn.execute(select(t))).all()) sink += row.id;
      else for await (const row of await conn.stream(select(t))) sink += row.id;
    });
  }
} else if (what === "insert") {
  const rows = Array.from({ length: config.insertRows }, (_, i) => ({ name: `name ${i}`, value: i * 1.5 }));
  for (let r = 0; r < rounds; r++) {
    await target.exec(`DELETE FROM ${t.name}`);
    sink += await target.engine.begin(async (conn) => (await conn.execute(insert(t).returning(t.c.id), rows)).all().length);
  }
} else throw new Error(`unknown benchmark ${what}`);
process.stderr.write(`${what} on ${kind}: ${rounds} rounds in ${((performance.now() - t0) / 1000).toFixed(2)} s (sink ${sink})\n`);
await drop(target, def);
await target.close();
