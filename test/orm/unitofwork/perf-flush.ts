/**
 * Flush timing: 100,000 customers added 1,000 at a time and flushed (no PK given, ids fetched
 * with RETURNING), versus the raw driver's multi-row INSERT … RETURNING; then 100,000 updates
 * flushed 1,000 at a time. Not a test: `npx tsx test/orm/unitofwork/perf-flush.ts [pg|sqlite]`.
 */
import { AsyncSession, createAsyncEngine, DeclarativeBase, insert, Integer, mappedColumn, select, String } from "../../../src/index.js";
import { makeLibsqlDriver, makePgDriver } from "../../fixtures/databases.js";

const which = process.argv[2] ?? "sqlite";
const N = Number(process.argv[3] ?? 100_000);
const CHUNK = 1000;

class Base extends DeclarativeBase {}
class Customer extends Base.model("uow_perf_customer", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(255)),
  description: mappedColumn(String(255)),
}) {}

const lite = which === "sqlite" ? await makeLibsqlDriver("file") : undefined;
const driver = lite ? lite.driver : await makePgDriver();
const engine = createAsyncEngine(driver);
await engine.begin(async (c) => {
  await Base.metadata.dropAll(c);
  await Base.metadata.createAll(c);
});

async function raw(): Promise<number> {
  const conn = await driver.connect();
  const ph = (i: number) => (which === "sqlite" ? "?" : `$${i}`);
  const t0 = performance.now();
  if (conn.begin) await conn.begin();
  for (let s = 0; s < N; s += CHUNK) {
    const parts: string[] = [];
    const params: unknown[] = [];
    for (let i = 0; i < CHUNK; i++) {
      parts.push(`(${ph(params.length + 1)}, ${ph(params.length + 2)})`);
      params.push(`customer name ${s + i}`, `customer description ${s + i}`);
    }
    await conn.execute({ sql: `INSERT INTO uow_perf_customer (name, description) VALUES ${parts.join(", ")} RETURNING id`, params });
  }
  if (conn.commit) await conn.commit();
  const t = performance.now() - t0;
  await conn.release();
  return t;
}

async function coreInsert(): Promise<number> {
  const t = Customer.__table__;
  const t0 = performance.now();
  await engine.begin(async (conn) => {
    for (let s = 0; s < N; s += CHUNK) {
      const rows = [];
      for (let i = 0; i < CHUNK; i++) rows.push({ name: `customer name ${s + i}`, description: `customer description ${s + i}` });
      await conn.execute(insert(t).returning(t.c.id), rows);
    }
  });
  return performance.now() - t0;
}

async function ormInsert(): Promise<number> {
  const session = new AsyncSession(engine, { expireOnCommit: false });
  const t0 = performance.now();
  for (let s = 0; s < N; s += CHUNK) {
    for (let i = 0; i < CHUNK; i++) session.add(new Customer({ name: `customer name ${s + i}`, description: `customer description ${s + i}` }));
    await session.flush();
  }
  await session.commit();
  const t = performance.now() - t0;
  await session.close();
  return t;
}

async function ormUpdate(): Promise<number> {
  const session = new AsyncSession(engine, { expireOnCommit: false });
  const all = (await session.scalars(select(Customer))).all();
  const t0 = performance.now();
  for (let s = 0; s < all.length; s += CHUNK) {
    for (const c of all.slice(s, s + CHUNK)) c.description = `${c.description} x`;
    await session.flush();
  }
  await session.commit();
  const t = performance.now() - t0;
  await session.close();
  return t;
}

const reset = () => engine.begin(async (c) => {
  await Base.metadata.dropAll(c);
  await Base.metadata.createAll(c);
});
const rawMs = await raw();
await reset();
const coreMs = await coreInsert();
await reset();
const insMs = await ormInsert();
const updMs = process.argv[4] === "insert" ? 0 : await ormUpdate();
console.log(`${which} N=${N}: raw multi-row insert ${(rawMs / 1000).toFixed(2)}s; Core executemany ${(coreMs / 1000).toFixed(2)}s = ${(coreMs / rawMs).toFixed(2)}x raw; ORM flush (no PK) ${(insMs / 1000).toFixed(2)}s = ${(insMs / rawMs).toFixed(2)}x raw; ORM update flush ${(updMs / 1000).toFixed(2)}s`);
await engine.dispose();
await lite?.cleanup();
