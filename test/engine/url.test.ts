import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/errors.js";
import { URL, makeUrl } from "../../src/engine/url.js";

describe("makeUrl parsing", () => {
  it("parses every part of a PostgreSQL URL", () => {
    const u = makeUrl("postgresql+postgresjs://scott:tiger@db.example.com:5433/test?sslmode=require");
    expect(u.drivername).toBe("postgresql+postgresjs");
    expect(u.backendName).toBe("postgresql");
    expect(u.driverName).toBe("postgresjs");
    expect(u.username).toBe("scott");
    expect(u.password).toBe("tiger");
    expect(u.host).toBe("db.example.com");
    expect(u.port).toBe(5433);
    expect(u.database).toBe("test");
    expect(u.query).toEqual({ sslmode: "require" });
  });

  it("defaults the driver per backend and refuses unknown backends without one", () => {
    expect(makeUrl("postgresql://h/db").driverName).toBe("postgresjs");
    expect(makeUrl("sqlite://").driverName).toBe("libsql");
    expect(() => makeUrl("mysql://h/db").driverName).toThrow(ArgumentError);
    expect(() => makeUrl("mysql://h/db").driverName).toThrow("backend 'mysql'");
  });

  it("percent-decodes username, password, database and query", () => {
    const u = makeUrl("postgresql://us%40er:p%40ss%3Aw%2Fd@host/my%20db?app=a%2Bb&x=c+d");
    expect(u.username).toBe("us@er");
    expect(u.password).toBe("p@ss:w/d");
    expect(u.database).toBe("my db");
    expect(u.query).toEqual({ app: "a+b", x: "c d" });
  });

  it("keeps repeated query keys as arrays", () => {
    const u = makeUrl("postgresql://u:p@h/db?alt_host=host1&alt_host=host2&sslcert=%2Fpath%2Fto%2Fcrt");
    expect(u.query).toEqual({ alt_host: ["host1", "host2"], sslcert: "/path/to/crt" });
    expect(u.normalizedQuery).toEqual({ alt_host: ["host1", "host2"], sslcert: ["/path/to/crt"] });
  });

  it("parses the SQLite forms", () => {
    const rel = makeUrl("sqlite+libsql:///relative.db");
    expect([rel.host, rel.database]).toEqual([undefined, "relative.db"]);
    expect(makeUrl("sqlite+libsql:////abs/path.db").database).toBe("/abs/path.db");
    expect(makeUrl("sqlite+libsql://:memory:").database).toBe(":memory:");
    const bare = makeUrl("sqlite+libsql://");
    expect([bare.host, bare.database, bare.username]).toEqual([undefined, undefined, undefined]);
    expect(makeUrl("sqlite+libsql:///:memory:").database).toBe(":memory:");
  });

  it("parses IPv6 hosts and renders them bracketed", () => {
    const u = makeUrl("postgresql://u@[::1]:5432/db");
    expect(u.host).toBe("::1");
    expect(u.port).toBe(5432);
    expect(u.toString()).toBe("postgresql://u@[::1]:5432/db");
  });

  it("returns URL objects unchanged", () => {
    const u = makeUrl("sqlite://");
    expect(makeUrl(u)).toBe(u);
  });

  it("raises ArgumentError naming the input with the password masked", () => {
    expect(() => makeUrl("not a url")).toThrow(
      new ArgumentError(
        "Could not parse database URL from string 'not a url': expected 'dialect+driver://username:password@host:port/database'",
      ),
    );
    let err: unknown;
    try {
      makeUrl("postgresql://scott:hunter2secret@host:notaport/db");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArgumentError);
    expect((err as Error).message).toBe(
      "Could not parse database URL from string 'postgresql://scott:***@host:notaport/db': port is not an integer",
    );
    // A password with its "@host" missing looks like a port: it is masked too.
    expect(() => makeUrl("postgresql://scott:hunter2secret/db")).toThrow(
      "Could not parse database URL from string 'postgresql://scott:***/db': port is not an integer",
    );
    expect(() => makeUrl("postgresql://scott:bad%zzsecret@host/db")).toThrow(
      "Could not parse database URL from string 'postgresql://scott:***@host/db': password contains a malformed percent-escape",
    );
    expect(() => makeUrl("postgresql://u:pw@host:99999/db")).toThrow(
      "Could not parse database URL from string 'postgresql://u:***@host:99999/db': URL.create(): port must be an integer between 0 and 65535, got 99999",
    );
  });
});

describe("URL.create and immutability", () => {
  it("builds from fields and renders like SQLAlchemy", () => {
    const u = URL.create({ drivername: "postgresql", username: "user", password: "pass", host: "host", database: "dbname" });
    expect(u.toString()).toBe("postgresql://user:***@host/dbname");
    expect(u.renderAsString({ hidePassword: false })).toBe("postgresql://user:pass@host/dbname");
  });

  it("validates fields, naming the field", () => {
    expect(() => URL.create({ drivername: "postgres ql" })).toThrow(
      "URL.create(): drivername must look like 'backend' or 'backend+driver', got \"postgres ql\"",
    );
    expect(() => URL.create({ drivername: "postgresql", port: 1.5 })).toThrow(
      "URL.create(): port must be an integer between 0 and 65535, got 1.5",
    );
    expect(() => URL.create({ drivername: "postgresql", host: "a/b" })).toThrow(ArgumentError);
    expect(() => URL.create({ drivername: "postgresql", query: { a: 1 as unknown as string } })).toThrow(
      "URL.create(): query value for key 'a' must be a string or an array of strings, got number",
    );
  });

  it("is frozen, and set() returns a new URL", () => {
    const u = makeUrl("postgresql+postgresjs://user:pass@host/dbname");
    expect(Object.isFrozen(u)).toBe(true);
    expect(Object.isFrozen(u.query)).toBe(true);
    expect(() => {
      (u as unknown as { host: string }).host = "other";
    }).toThrow(TypeError);
    const v = u.set({ drivername: "postgresql", host: "other", port: 6543 });
    expect(v).not.toBe(u);
    expect(v.renderAsString({ hidePassword: false })).toBe("postgresql://user:pass@other:6543/dbname");
    expect(u.renderAsString({ hidePassword: false })).toBe("postgresql+postgresjs://user:pass@host/dbname");
    expect(u.set({ password: undefined }).toString()).toBe("postgresql+postgresjs://user@host/dbname");
  });

  it("updates and prunes the query without touching the original", () => {
    const u = makeUrl("postgresql://user:pass@host/dbname?alt_host=host1&alt_host=host2");
    expect(u.updateQueryDict({ sslcert: "/path/to/crt" }).toString()).toBe(
      "postgresql://user:***@host/dbname?alt_host=host1&alt_host=host2&sslcert=%2Fpath%2Fto%2Fcrt",
    );
    expect(u.updateQueryDict({ alt_host: "host3" }, true).toString()).toBe(
      "postgresql://user:***@host/dbname?alt_host=host1&alt_host=host2&alt_host=host3",
    );
    expect(u.updateQueryDict({ alt_host: "host3" }).query).toEqual({ alt_host: "host3" });
    expect(u.updateQueryString("?b=2&c=x%20y").query).toEqual({ alt_host: ["host1", "host2"], b: "2", c: "x y" });
    expect(u.updateQueryPairs([["k", "1"], ["k", "2"]]).query.k).toEqual(["1", "2"]);
    expect(u.differenceUpdateQuery(["alt_host", "missing"]).toString()).toBe("postgresql://user:***@host/dbname");
    expect(u.query).toEqual({ alt_host: ["host1", "host2"] });
  });

  it("compares structurally with equals()", () => {
    expect(makeUrl("postgresql://u:p@h/db?a=1&b=2").equals(makeUrl("postgresql://u:p@h/db?b=2&a=1"))).toBe(true);
    expect(makeUrl("postgresql://u:p@h/db").equals(makeUrl("postgresql://u:q@h/db"))).toBe(false);
  });
});

describe("rendering and password hiding", () => {
  const u = makeUrl("postgresql+postgresjs://scott:s3cr%40t%2Fpw@host:5432/db?authToken=tok123456&x=1");

  it("hides the password (and token-like query values) by default", () => {
    expect(u.toString()).toBe("postgresql+postgresjs://scott:***@host:5432/db?authToken=***&x=1");
    expect(`${u}`).toBe("postgresql+postgresjs://scott:***@host:5432/db?authToken=***&x=1");
    expect(u.renderAsString({ hidePassword: false })).toBe(
      "postgresql+postgresjs://scott:s3cr%40t%2Fpw@host:5432/db?authToken=tok123456&x=1",
    );
  });

  it("hides the password in JSON, inspect, spread and enumeration", () => {
    expect(JSON.stringify({ url: u })).toBe(
      '{"url":"postgresql+postgresjs://scott:***@host:5432/db?authToken=***&x=1"}',
    );
    expect(inspect(u)).toBe("postgresql+postgresjs://scott:***@host:5432/db?authToken=***&x=1");
    expect(inspect({ u })).not.toContain("s3cr");
    expect(JSON.stringify({ ...u })).not.toContain("s3cr");
    expect(Object.keys(u)).not.toContain("password");
    expect(u.password).toBe("s3cr@t/pw");
  });

  it("escapes special characters so renderings parse back", () => {
    const v = URL.create({
      drivername: "postgresql",
      username: "us:er@x/y",
      password: "p@ss:w/rd?#% +",
      host: "h",
      database: "d b/@?#%",
      query: { "k y": ["a&b", "c=d"] },
    });
    const s = v.renderAsString({ hidePassword: false });
    expect(s).toBe(
      "postgresql://us%3Aer%40x%2Fy:p%40ss%3Aw%2Frd%3F%23%25%20+@h/d%20b/%40%3F%23%25?k%20y=a%26b&k%20y=c%3Dd",
    );
    const back = makeUrl(s);
    expect(back.equals(v)).toBe(true);
    expect(back.username).toBe("us:er@x/y");
    expect(back.password).toBe("p@ss:w/rd?#% +");
    expect(back.database).toBe("d b/@?#%");
    expect(back.query).toEqual({ "k y": ["a&b", "c=d"] });
  });

  it("renders SQLite URLs back to their original forms", () => {
    for (const s of ["sqlite+libsql:///relative.db", "sqlite+libsql:////abs/path.db", "sqlite+libsql://", "sqlite:///:memory:"]) {
      expect(makeUrl(s).toString()).toBe(s);
    }
    expect(makeUrl("sqlite+libsql://:memory:").toString()).toBe("sqlite+libsql:///:memory:");
  });
});

describe("properties", () => {
  const text = fc.string({ unit: "binary", maxLength: 24 });
  const arbUrl = fc.record({
    username: text,
    password: text,
    host: fc.option(fc.stringMatching(/^[a-z][a-z0-9.-]{0,15}$/), { nil: undefined }),
    port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
    database: fc.option(text, { nil: undefined }),
    query: fc.dictionary(fc.string({ unit: "binary", minLength: 1, maxLength: 8 }), text, { maxKeys: 3 }),
  });

  it("render(hidePassword: false) -> makeUrl round-trips", () => {
    fc.assert(
      fc.property(arbUrl, (f) => {
        const u = URL.create({ drivername: "postgresql+postgresjs", ...f });
        const back = makeUrl(u.renderAsString({ hidePassword: false }));
        expect(back.username).toBe(f.username);
        expect(back.password).toBe(f.password);
        expect(back.host).toBe(f.host);
        expect(back.port).toBe(f.port);
        expect(back.database).toBe(f.database);
        expect(back.query).toEqual(f.query);
        expect(back.equals(u)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("the hidden rendering, JSON and inspect never contain the password", () => {
    fc.assert(
      fc.property(
        arbUrl,
        fc.string({ unit: "binary", minLength: 4, maxLength: 24 }),
        (f, password) => {
          const u = URL.create({ drivername: "postgresql", ...f, password });
          const others = [f.username, f.host ?? "", f.database ?? "", ...Object.entries(f.query).flat(), "postgresql"];
          const full = u.renderAsString({ hidePassword: false });
          // The password must not legitimately occur elsewhere: in another field, in the
          // rendering with the password removed, or overlapping the "***" mask itself.
          const withoutPassword = full.replace(/:\/\/([^:@]*):[^@]*@/, "://$1:@");
          fc.pre(
            !others.some((o) => o.includes(password)) && !withoutPassword.includes(password) && !password.includes("*"),
          );
          expect(u.toString()).not.toContain(password);
          expect(u.toString()).not.toContain(encodeURIComponent(password));
          expect(JSON.stringify(u)).not.toContain(password);
          expect(inspect(u)).not.toContain(password);
        },
      ),
      { numRuns: 500 },
    );
  });
});
