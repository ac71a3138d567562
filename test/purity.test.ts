/**
 * Enforces ARCHITECTURE.md's **must**: nothing under `src/` imports a driver package, `node:*`
 * or a Node built-in, or touches `process`, `Buffer`, `require`, `eval` or `new Function`
 * (Cloudflare Workers refuse Node APIs and runtime code generation); and adapters reach into
 * `src/` only through the driver contract and the driver registry.
 *
 * Files are parsed with the TypeScript compiler, so comments (TSDoc mentioning `process`) and
 * string contents never count, while every real reference does, in value and type positions
 * alike. A failure lists each offence as `file:line: what`.
 * @module
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");
const ADAPTERS = join(ROOT, "adapters");

/** Driver packages: none may be imported from src/. */
const DRIVER_PACKAGES = [/^@libsql\//, /^postgres$/, /^postgres\//, /^pg$/, /^pg\//, /^@neondatabase\//, /^@electric-sql\//];
/** Node built-ins by bare name (`fs`, `fs/promises`, `crypto`, …), as listed by Node itself. */
const NODE_BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith("_")));
/** Globals that exist only on Node (or CommonJS). */
const NODE_GLOBALS = new Set(["process", "Buffer", "require", "__dirname", "__filename", "module", "exports"]);
/** Names through which a global can be reached as a property. */
const GLOBAL_OBJECTS = new Set(["globalThis", "global", "window", "self"]);
/** The only modules under src/ an adapter may import. */
const ADAPTER_ALLOWED = new Set(["src/engine/driver/contract.ts", "src/engine/driver/registry.ts"]);

/** `.ts` files under `dir`, recursively. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out.sort();
}

interface ModuleRef {
  readonly specifier: string;
  readonly line: number;
}

interface Offence {
  readonly file: string;
  readonly line: number;
  readonly what: string;
}

const fmt = (o: Offence): string => `${o.file}:${o.line}: ${o.what}`;

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

/** Every module specifier: static imports and re-exports, `import("x")`, `require("x")`, `import x = require("x")`. */
function moduleRefs(sf: ts.SourceFile): ModuleRef[] {
  const refs: ModuleRef[] = [];
  const add = (lit: ts.Node | undefined, at: ts.Node) => {
    if (lit && ts.isStringLiteralLike(lit)) refs.push({ specifier: lit.text, line: lineOf(sf, at) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier, node);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) {
        add(node.arguments[0], node);
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, node);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

/** Whether an identifier is only a property or member name (`x.process`, `{ process: 1 }`), not a reference. */
function isMemberName(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) {
    return !(ts.isIdentifier(p.expression) && GLOBAL_OBJECTS.has(p.expression.text));
  }
  if (ts.isQualifiedName(p) && p.right === id) return true;
  if (
    (ts.isPropertyAssignment(p) ||
      ts.isPropertyDeclaration(p) ||
      ts.isPropertySignature(p) ||
      ts.isMethodDeclaration(p) ||
      ts.isMethodSignature(p) ||
      ts.isGetAccessorDeclaration(p) ||
      ts.isSetAccessorDeclaration(p) ||
      ts.isEnumMember(p) ||
      ts.isBindingElement(p)) &&
    p.name === id
  ) {
    // `{ process }` in a destructuring pattern binds a local name: only its property name is free.
    return !(ts.isBindingElement(p) && p.propertyName === undefined);
  }
  if (ts.isBindingElement(p) && p.propertyName === id) return true;
  return false;
}

/** Whether `node` is `Function`, `eval`, … or `globalThis.Function`, `globalThis["eval"]`, …. */
function isGlobal(node: ts.Expression, name: string): boolean {
  if (ts.isIdentifier(node)) return node.text === name;
  if (ts.isParenthesizedExpression(node)) return isGlobal(node.expression, name);
  if (ts.isPropertyAccessExpression(node)) {
    return node.name.text === name && ts.isIdentifier(node.expression) && GLOBAL_OBJECTS.has(node.expression.text);
  }
  if (ts.isElementAccessExpression(node)) {
    const arg = node.argumentExpression;
    return ts.isStringLiteralLike(arg) && arg.text === name && ts.isIdentifier(node.expression) && GLOBAL_OBJECTS.has(node.expression.text);
  }
  return false;
}

/** References to Node-only globals and runtime code generation. */
function forbiddenReferences(sf: ts.SourceFile, file: string): Offence[] {
  const out: Offence[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text) && !isMemberName(node)) {
      // `module` / `exports` are common words: flag them only as free CommonJS references.
      const cjsOnly = node.text === "module" || node.text === "exports";
      const isProp = ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node;
      if (!cjsOnly || isProp) out.push({ file, line: lineOf(sf, node), what: `references Node global '${node.text}'` });
    } else if (ts.isElementAccessExpression(node) && ts.isIdentifier(node.expression) && GLOBAL_OBJECTS.has(node.expression.text)) {
      const arg = node.argumentExpression;
      if (ts.isStringLiteralLike(arg) && NODE_GLOBALS.has(arg.text)) {
        out.push({ file, line: lineOf(sf, node), what: `references Node global '${arg.text}'` });
      }
    }
    if (ts.isCallExpression(node) && isGlobal(node.expression, "eval")) {
      out.push({ file, line: lineOf(sf, node), what: "calls eval()" });
    }
    if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && isGlobal(node.expression, "Function")) {
      out.push({ file, line: lineOf(sf, node), what: "generates code with Function()" });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Module specifiers a src/ file must not import. */
function forbiddenImport(specifier: string, fromFile: string): string | undefined {
  if (specifier.startsWith("node:")) return `imports Node built-in '${specifier}'`;
  if (NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split("/")[0])) return `imports Node built-in '${specifier}'`;
  if (DRIVER_PACKAGES.some((re) => re.test(specifier))) return `imports driver package '${specifier}'`;
  if (specifier.startsWith(".")) {
    const target = resolve(dirname(fromFile), specifier);
    if (!target.startsWith(SRC + sep)) return `imports '${specifier}' from outside src/ (${relative(ROOT, target)})`;
  }
  return undefined;
}

/** Path of a module under the repository root, `.js` specifiers mapped to their `.ts` sources. */
function resolveSource(specifier: string, fromFile: string): string {
  return relative(ROOT, resolve(dirname(fromFile), specifier)).split(sep).join("/").replace(/\.js$/, ".ts");
}

let srcCache: Offence[] | undefined;

/** All offences of src/ files (parsed once per run). */
function srcOffences(): Offence[] {
  if (srcCache) return srcCache;
  const out: Offence[] = [];
  for (const path of tsFiles(SRC)) {
    const file = relative(ROOT, path);
    const sf = parse(path);
    for (const ref of moduleRefs(sf)) {
      const what = forbiddenImport(ref.specifier, path);
      if (what) out.push({ file, line: ref.line, what });
    }
    out.push(...forbiddenReferences(sf, file));
  }
  return (srcCache = out);
}

/** All imports of src/ from adapters other than the driver contract and registry. */
function adapterOffences(): Offence[] {
  const out: Offence[] = [];
  for (const path of tsFiles(ADAPTERS)) {
    const file = relative(ROOT, path);
    for (const ref of moduleRefs(parse(path))) {
      if (ref.specifier === "athanor" || ref.specifier.startsWith("athanor/")) {
        out.push({ file, line: ref.line, what: `imports '${ref.specifier}' (adapters use only the driver contract and registry)` });
        continue;
      }
      if (!ref.specifier.startsWith(".")) continue;
      const target = resolveSource(ref.specifier, path);
      if (target.startsWith("src/") && !ADAPTER_ALLOWED.has(target)) {
        out.push({ file, line: ref.line, what: `imports '${ref.specifier}' (only src/engine/driver/contract.js and registry.js are allowed)` });
      }
    }
  }
  return out;
}

describe("purity (ARCHITECTURE.md: src/ runs on edge runtimes)", () => {
  it("finds the files it checks", () => {
    expect(tsFiles(SRC).length).toBeGreaterThan(20);
    expect(tsFiles(ADAPTERS).length).toBeGreaterThan(3);
  });

  it("src/ imports no driver package, no node:* module, no Node built-in, nothing outside src/", () => {
    const offences = srcOffences().filter((o) => o.what.includes("imports"));
    expect(offences.map(fmt), `forbidden imports under src/:\n${offences.map(fmt).join("\n")}`).toEqual([]);
  });

  it("src/ references no process, Buffer, require, eval or Function", () => {
    const offences = srcOffences().filter((o) => !o.what.includes("imports"));
    expect(offences.map(fmt), `Node globals or code generation under src/:\n${offences.map(fmt).join("\n")}`).toEqual([]);
  });

  it("adapters import from src/ only the driver contract and the driver registry", () => {
    const offences = adapterOffences();
    expect(offences.map(fmt), `adapters reaching into src/ internals:\n${offences.map(fmt).join("\n")}`).toEqual([]);
  });
});

describe("the purity checker itself", () => {
  const check = (code: string): string[] => {
    const path = join(SRC, "sql", "__probe__.ts");
    const sf = ts.createSourceFile(path, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const out = forbiddenReferences(sf, "probe.ts").map((o) => o.what);
    for (const ref of moduleRefs(sf)) {
      const what = forbiddenImport(ref.specifier, path);
      if (what) out.push(what);
    }
    return out;
  };

  it("ignores comments, strings and member names", () => {
    expect(
      check(
        [
          "/** Unlike Node's process.env or Buffer, we use Uint8Array; never eval() or new Function(). */",
          "// require('fs')",
          'const msg = "the process failed; Buffer full; require(x)";',
          "const o = { process: 1, Buffer: 2 }; o.process; o.require;",
          "class A { process(): void {} get Buffer() { return 1; } }",
          "interface B { process: number; eval(): void }",
          'import { x } from "./elements.js"; import type { Y } from "../engine/driver/contract.js";',
          "const { process: p } = o;",
        ].join("\n"),
      ),
    ).toEqual([]);
  });

  it("catches each kind of offence", () => {
    expect(
      check(
        [
          'import fs from "fs";',
          'import { join } from "node:path";',
          'export { createClient } from "@libsql/client";',
          'import postgres from "postgres";',
          'const pg = await import("pg");',
          'const c = await import("@electric-sql/pglite");',
          'import { x } from "../../adapters/libsql/index.js";',
          "const a = process.env.X;",
          "const b: typeof Buffer = globalThis.Buffer;",
          'const r = require("crypto");',
          'eval("1");',
          'const f = new Function("return 1");',
          'const g = globalThis["process"];',
          'const h = Function("return this")();',
        ].join("\n"),
      ).sort(),
    ).toEqual(
      [
        "imports Node built-in 'fs'",
        "imports Node built-in 'node:path'",
        "imports driver package '@libsql/client'",
        "imports driver package 'postgres'",
        "imports driver package 'pg'",
        "imports driver package '@electric-sql/pglite'",
        "imports '../../adapters/libsql/index.js' from outside src/ (adapters/libsql/index.js)",
        "references Node global 'process'",
        "references Node global 'Buffer'",
        "references Node global 'Buffer'",
        "references Node global 'require'",
        "imports Node built-in 'crypto'",
        "calls eval()",
        "generates code with Function()",
        "references Node global 'process'",
        "generates code with Function()",
      ].sort(),
    );
  });
});
