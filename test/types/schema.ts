/**
 * Typed schema shared by the type-level tests (test/types/*.test-d.ts). Declarations only: the
 * tests never execute statements, they ask the compiler what the rows would be.
 * @module
 */
import {
  ARRAY, BigInteger, Boolean as BooleanT, Column, Date as DateT, DateTime, Enum, ForeignKey, Integer, JSON as JSONT,
  JSONB, LargeBinary, MetaData, Numeric, String as StringT, Table, Text, Uuid,
} from "../../src/index.js";

export const metadata = new MetaData();

export const users = Table("typ_users", metadata, {
  id: Column(Integer, { primaryKey: true }),
  name: Column(StringT(30), { nullable: false }),
  fullname: Column(StringT),
  big: Column(BigInteger),
});

export const addresses = Table("typ_addresses", metadata, {
  id: Column(Integer, { primaryKey: true }),
  userId: Column(ForeignKey("typ_users.id"), { name: "user_id", nullable: false }),
  email: Column(StringT, { nullable: false }),
});

/** The shape of the JSON documents in `misc.doc`. */
export interface Doc {
  a: number;
  tags: string[];
}

export const misc = Table("typ_misc", metadata, {
  id: Column(Integer, { primaryKey: true }),
  doc: Column(JSONT<Doc>()),
  docb: Column(JSONB<Doc>(), { nullable: false }),
  anyDoc: Column(JSONT),
  status: Column(Enum(["active", "banned"]), { nullable: false }),
  ts: Column(DateTime, { nullable: false }),
  tsz: Column(DateTime({ timezone: true })),
  tss: Column(DateTime({ mode: "string", precision: 6 }), { nullable: false }),
  day: Column(DateT),
  flag: Column(BooleanT, { nullable: false }),
  price: Column(Numeric(10, 2)),
  uid: Column(Uuid),
  blob: Column(LargeBinary),
  ints: Column(ARRAY(Integer)),
  grid: Column(ARRAY(Integer, { dimensions: 2 })),
  body: Column(Text),
  /** Explicit SQL name differing from the key: rows and `c` use the key. */
  createdAt: Column(DateTime, { name: "created_at" }),
  /** A primary-key flag plus `nullable: true` is honoured (SQLAlchemy allows it for composite keys). */
  pkNullable: Column(Integer, { primaryKey: true, nullable: true }),
});
