/**
 * athanor quickstart on Bun: a schema, inserts, an upsert, a join, a streamed read, then the
 * ORM (models, add + commit, selectinload), against libSQL or PostgreSQL.
 *
 *   bun run main.ts libsql
 *   bun run main.ts postgres
 *
 * (or `bun run libsql` / `bun run postgres`). "athanor" and the drivers resolve from
 * node_modules like any npm dependency; Bun runs this TypeScript file as is. It uses the
 * Node-compatible APIs Bun implements (process, node:fs, node:os). PostgreSQL: env
 * ATHANOR_PG_URL (a `postgres://` or `postgresql://` URL; default
 * postgres://postgres@127.0.0.1:5432/test).
 *
 * Output is deterministic (no timestamps, no SQL echo) so CI can compare it line by line.
 */
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, ForeignKey, func, insert, Integer, mappedColumn, relationship, select,
  selectinload, String,
} from "athanor";
import { insert as pgInsert } from "athanor/dialects/postgresql";
import { insert as sqliteInsert } from "athanor/dialects/sqlite";
// Importing an adapter registers its URL scheme with createAsyncEngine.
import "athanor/adapters/libsql";
import "athanor/adapters/postgres-js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

class Base extends DeclarativeBase {}

class User extends Base.model("user_account", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30), { unique: true }),
  fullname: mappedColumn(String, { nullable: true }),
}) {
  static addresses = relationship(() => Address, { backPopulates: "user", cascade: "all, delete-orphan" });
  declare addresses: Address[];
}

class Address extends Base.model("address", {
  id: mappedColumn(Integer, { primaryKey: true }),
  email: mappedColumn(String, { name: "email_address" }),
  userId: mappedColumn(ForeignKey("user_account.id"), { name: "user_id" }),
}) {
  static user = relationship(() => User, { backPopulates: "addresses" });
  declare user: User;
}

const backend = process.argv[2] ?? "libsql";
let url: string;
let tempDir: string | undefined;
if (backend === "libsql") {
  tempDir = await mkdtemp(join(tmpdir(), "athanor-bun-"));
  url = `sqlite+libsql:///${tempDir}/quickstart.db`; // three slashes + absolute path = a file
} else if (backend === "postgres") {
  // postgres:// is libpq's spelling; athanor follows SQLAlchemy 2.0 and wants postgresql://.
  url = (process.env.ATHANOR_PG_URL || "postgres://postgres@127.0.0.1:5432/test").replace(/^postgres:/, "postgresql:");
} else {
  console.error(`usage: main.ts libsql|postgres (got ${backend})`);
  process.exit(2);
}

try {
  await using engine = createAsyncEngine(url);
  console.log(`backend: ${engine.dialect.name}`);
  const users = User.__table__;
  const addresses = Address.__table__;

  // Core: DDL, a multi-row INSERT … RETURNING, and a dialect-specific upsert in one transaction.
  await engine.begin(async (conn) => {
    await Base.metadata.dropAll(conn);
    await Base.metadata.createAll(conn);
    const inserted = await conn.execute(insert(users).returning(users.c.id, users.c.name), [
      { name: "spongebob", fullname: "Spongebob Squarepants" },
      { name: "sandy", fullname: "Sandy Cheeks" },
      { name: "patrick", fullname: null },
    ]);
    const ids = Object.fromEntries(inserted.all().map((row) => [row.name, row.id]));
    await conn.execute(insert(addresses), [
      { userId: ids.spongebob, email: "spongebob@sqlalchemy.org" },
      { userId: ids.sandy, email: "sandy@sqlalchemy.org" },
      { userId: ids.sandy, email: "sandy@squirrelpower.org" },
    ]);
    const upsert = (engine.dialect.name === "postgresql" ? pgInsert : sqliteInsert)(users).values({ name: "patrick", fullname: "Patrick Star" });
    await conn.execute(upsert.onConflictDoUpdate({ indexElements: ["name"], set: { fullname: upsert.excluded.fullname } }));
    console.log(`users: ${await conn.scalar(select(func.count(users.c.id)))}`);
  });

  await engine.connect(async (conn) => {
    // A join inferred from the foreign key, with aggregation.
    const perUser = select(users.c.name, func.count(addresses.c.id).label("emails")).join(addresses).groupBy(users.c.name).orderBy(users.c.name);
    for (const row of (await conn.execute(perUser)).all()) console.log(`${row.name}: ${row.emails} address(es)`);
    console.log(`patrick is ${await conn.scalar(select(users.c.fullname).where(users.c.name.eq("patrick")))}`);

    // Streaming: rows arrive yieldPer at a time; the cursor closes when the loop ends.
    conn.executionOptions({ yieldPer: 2 });
    const stream = await conn.stream(select(users.c.name, addresses.c.email).joinFrom(users, addresses).orderBy(addresses.c.email));
    for await (const row of stream) console.log(`stream: ${row.name} <${row.email}>`);
  });

  // ORM: a new object graph in one unit of work, then eager loading in a fresh session.
  {
    await using session = new AsyncSession(engine, { expireOnCommit: false });
    const squidward = new User({ name: "squidward", fullname: "Squidward Tentacles" });
    squidward.addresses = [new Address({ email: "squidward@krustykrab.com" })];
    session.add(squidward);
    await session.commit();
    // id 4 on SQLite, 5 on PostgreSQL: its ON CONFLICT upsert above drew a sequence value even
    // though it ended as an UPDATE (sequences are never rolled back or reused).
    console.log(`orm: added ${squidward.name} (id ${squidward.id}) with address id ${squidward.addresses[0].id}`);
  }
  {
    await using session = new AsyncSession(engine);
    const all = await session.scalars(select(User).options(selectinload(User.addresses)).orderBy(User.name));
    for (const u of all.all()) console.log(`${u.name} has ${u.addresses.length} address(es)`);
    console.log(`users: ${await session.scalar(select(func.count(User.id)))}`);
  }
  console.log("done");
} finally {
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
}
