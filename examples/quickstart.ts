/**
 * athanor quickstart: a schema in a libSQL file, rows inserted in one executemany, a join with
 * aggregation, an upsert, and a streamed read, with every statement echoed as SQLAlchemy does.
 *
 *   npm run quickstart            (writes ./quickstart.db; set ATHANOR_QUICKSTART_DB to change)
 */
import {
  Column, createAsyncEngine, DateTime, ForeignKey, func, insert, Integer, MetaData, select, String, Table, Text,
} from "athanor";
import { insert as sqliteInsert } from "athanor/dialects/sqlite";
import "athanor/adapters/libsql";

const metadata = new MetaData();

const users = Table("user_account", metadata, {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(30), { nullable: false, unique: true }),
  fullname: Column(String),
});

const addresses = Table("address", metadata, {
  id: Column(Integer, { primaryKey: true }),
  userId: Column(ForeignKey("user_account.id"), { name: "user_id", nullable: false }),
  email: Column(String, { name: "email_address", nullable: false }),
  note: Column(Text),
  createdAt: Column(DateTime, { name: "created_at", default: () => new Date() }),
});

const file = process.env.ATHANOR_QUICKSTART_DB ?? "quickstart.db";
await using engine = createAsyncEngine(`sqlite+libsql:///${file}`, { echo: true });

// DDL and inserts in one transaction: committed when the callback returns.
await engine.begin(async (conn) => {
  await metadata.dropAll(conn);
  await metadata.createAll(conn);

  // executemany ("insertmanyvalues"): one multi-row INSERT … RETURNING, rows in input order.
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

  // Upsert from the SQLite dialect module.
  const up = sqliteInsert(users).values({ name: "patrick", fullname: "Patrick Star" });
  await conn.execute(up.onConflictDoUpdate({ indexElements: ["name"], set: { fullname: up.excluded.fullname } }));
});

await engine.connect(async (conn) => {
  // A join inferred from the foreign key, with aggregation. Rows are typed [string, number].
  const perUser = select(users.c.name, func.count(addresses.c.id).label("emails"))
    .join(addresses)
    .groupBy(users.c.name)
    .orderBy(users.c.name);
  for (const row of (await conn.execute(perUser)).all()) console.log(`  ${row.name}: ${row.emails} address(es)`);

  // The same statement rebuilt with a new value is a compiled-cache hit.
  for (const name of ["sandy", "spongebob"]) {
    const fullname = await conn.scalar(select(users.c.fullname).where(users.c.name.eq(name)));
    console.log(`  ${name} is ${fullname}`);
  }

  // Streaming: rows arrive in chunks of yieldPer; the cursor closes when the loop ends.
  conn.executionOptions({ yieldPer: 2 });
  const stream = await conn.stream(
    select(users.c.name, addresses.c.email).joinFrom(users, addresses).orderBy(addresses.c.email),
  );
  for await (const row of stream) console.log(`  ${row.name} <${row.email}>`);
});

console.log("compiled cache:", engine.cacheStats);
