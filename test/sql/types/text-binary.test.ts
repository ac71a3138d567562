import { afterAll, describe, expect, it } from "vitest";
import { ArgumentError } from "../../../src/errors.js";
import {
  Enum,
  EnumType,
  LargeBinary,
  String,
  StringType,
  Text,
  Uuid,
} from "../../../src/sql/types/index.js";
import { LITE, PG, bind, openDbs, result } from "./db.js";

const dbs = openDbs("txt");
afterAll(() => dbs.close());

describe("String / Text", () => {
  it("DDL and cache keys", () => {
    expect(String(30).compileType(PG)).toBe("VARCHAR(30)");
    expect(String(30).compileType(LITE)).toBe("VARCHAR(30)");
    expect(String().compileType(PG)).toBe("VARCHAR");
    expect(String().cacheKey).toBe("VARCHAR");
    expect(Text().compileType(PG)).toBe("TEXT");
    expect(Text().compileType(LITE)).toBe("TEXT");
    expect(Text()).toBeInstanceOf(StringType);
    expect(() => String(0)).toThrow("String length must be a positive integer, got 0");
  });
  it("bind rejects non-strings; results pass through", () => {
    expect(bind(String(), "sqlite", "x")).toBe("x");
    expect(() => bind(String(30), "postgresql", 5)).toThrow(new ArgumentError("String cannot bind number 5"));
    expect(() => bind(Text(), "sqlite", { a: 1 })).toThrow("Text cannot bind object Object");
    expect(String().resultProcessor("postgresql")).toBeUndefined();
  });
  it.each(["postgresql", "sqlite"] as const)("round trips unicode on %s", async (d) => {
    const s = "héllo \u{1F600} 'quoted' \"double\" \\ back";
    expect(await dbs.roundTrip(String(40), d, s)).toBe(s);
    expect(await dbs.roundTrip(Text(), d, "")).toBe("");
  });
});

describe("Uuid", () => {
  const id = "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11";
  it("DDL", () => {
    expect(Uuid().compileType(PG)).toBe("UUID");
    expect(Uuid().compileType(LITE)).toBe("CHAR(36)");
  });
  it("bind validates the canonical form", () => {
    expect(bind(Uuid(), "sqlite", id)).toBe(id.toLowerCase());
    expect(bind(Uuid(), "postgresql", id)).toBe(id);
    expect(() => bind(Uuid(), "postgresql", "a0eebc999c0b4ef8bb6d6bb9bd380a11")).toThrow(
      'Uuid cannot bind string "a0eebc999c0b4ef8bb6d6bb9bd380a11": expected 8-4-4-4-12 hex digits',
    );
    expect(() => bind(Uuid(), "sqlite", 1)).toThrow("Uuid cannot bind number 1");
  });
  it.each(["postgresql", "sqlite"] as const)("round trips on %s as lower case", async (d) => {
    expect(await dbs.roundTrip(Uuid(), d, id)).toBe(id.toLowerCase());
  });
});

describe("Enum", () => {
  const mood = Enum(["sad", "ok", "it's great"] as const, { name: "types_mood" });
  const plain = Enum(["draft", "published"] as const);
  it("DDL: native PG type, VARCHAR(longest) otherwise", () => {
    expect(mood.compileType(PG)).toBe("types_mood");
    expect(mood.compileType(LITE)).toBe("VARCHAR(10)");
    expect(plain.compileType(PG)).toBe("VARCHAR(9)");
    expect(Enum(["a"], { name: "m", nativeEnum: false }).compileType(PG)).toBe("VARCHAR(1)");
    expect(Enum(["a"], { length: 20 }).compileType(LITE)).toBe("VARCHAR(20)");
    expect(mood.createTypeDDL()).toBe("CREATE TYPE types_mood AS ENUM ('sad', 'ok', 'it''s great')");
    expect(mood.dropTypeDDL({ ifExists: true })).toBe("DROP TYPE IF EXISTS types_mood");
    expect(Enum(["a"], { name: "Mood", schema: "app" }).createTypeDDL()).toBe(`CREATE TYPE app."Mood" AS ENUM ('a')`);
    expect(Enum(["a"], { name: "user" }).compileType(PG)).toBe(`"user"`);
    expect(plain.checkConstraintSql("posts.status")).toBe("posts.status IN ('draft', 'published')");
    expect(() => plain.createTypeDDL()).toThrow(ArgumentError);
    expect(plain.values).toEqual(["draft", "published"]);
    expect(mood).toBeInstanceOf(EnumType);
  });
  it("rejects bad declarations", () => {
    expect(() => Enum([])).toThrow("Enum needs at least one value");
    expect(() => Enum(["a", "a"])).toThrow("Enum values must be unique");
    expect(() => Enum(["a"], { nativeEnum: true })).toThrow(/needs a name/);
    expect(() => Enum(["abc"], { length: 2 })).toThrow(/at least 3/);
  });
  it("bind and result reject values outside the list", () => {
    expect(bind(plain, "sqlite", "draft")).toBe("draft");
    expect(() => bind(plain, "sqlite", "deleted")).toThrow(
      new ArgumentError(`Enum cannot bind string "deleted": allowed values are 'draft', 'published'`),
    );
    expect(() => bind(mood, "postgresql", 1)).toThrow(/^Enum\(types_mood\) cannot bind number 1: allowed values are 'sad', 'ok', 'it''s great'$/);
    expect(() => result(plain, "postgresql", "nope")).toThrow(/Enum cannot read string "nope"/);
  });
  it("round trips through a native PostgreSQL enum", async () => {
    await dbs.pg.unsafe(mood.dropTypeDDL({ ifExists: true }) + " CASCADE");
    await dbs.pg.unsafe(mood.createTypeDDL());
    try {
      expect(await dbs.roundTrip(mood, "postgresql", "it's great")).toBe("it's great");
    } finally {
      await dbs.pg.unsafe(mood.dropTypeDDL() + " CASCADE");
    }
  });
  it.each(["postgresql", "sqlite"] as const)("round trips as VARCHAR on %s", async (d) => {
    expect(await dbs.roundTrip(plain, d, "published")).toBe("published");
    await expect(dbs.roundTrip(plain, d, "Published")).rejects.toThrow(ArgumentError);
  });
});

describe("LargeBinary", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  it("DDL", () => {
    expect(LargeBinary().compileType(PG)).toBe("BYTEA");
    expect(LargeBinary(16).compileType(LITE)).toBe("BLOB");
  });
  it("processors", () => {
    expect(bind(LargeBinary(), "sqlite", all)).toBe(all);
    expect(bind(LargeBinary(), "sqlite", all.buffer)).toEqual(all);
    expect(() => bind(LargeBinary(), "postgresql", "\\x00")).toThrow('LargeBinary cannot bind string "\\\\x00"');
    const fromHex = result(LargeBinary(), "postgresql", "\\x00ff10") as Uint8Array;
    expect(fromHex.constructor).toBe(Uint8Array);
    expect([...fromHex]).toEqual([0, 255, 16]);
    expect(() => result(LargeBinary(), "postgresql", "\\x0g")).toThrow(ArgumentError);
    expect(result(LargeBinary(), "sqlite", new Uint8Array([1, 2]).buffer)).toEqual(new Uint8Array([1, 2]));
  });
  it.each(["postgresql", "sqlite"] as const)("bytes 0..255 round trip on %s as a plain Uint8Array", async (d) => {
    const back = (await dbs.roundTrip(LargeBinary(), d, all)) as Uint8Array;
    expect(back.constructor).toBe(Uint8Array);
    expect([...back]).toEqual([...all]);
    const empty = (await dbs.roundTrip(LargeBinary(), d, new Uint8Array(0))) as Uint8Array;
    expect(empty.byteLength).toBe(0);
  });
  it("reads PostgreSQL's hex text form", async () => {
    const rows = await dbs.pg.unsafe(`SELECT CAST('\\x00ff'::bytea AS TEXT)`).values();
    expect([...(result(LargeBinary(), "postgresql", rows[0]![0]) as Uint8Array)]).toEqual([0, 255]);
  });
});
