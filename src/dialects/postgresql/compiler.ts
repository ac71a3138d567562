/** PostgreSQL statement compiler: ILIKE, `~` regular expressions, `$n` parameters. @module */
import { SQLCompiler } from "../../sql/compiler.js";

/** Compiles statements for PostgreSQL. */
export class PGCompiler extends SQLCompiler {
  protected override renderIlike(left: string, right: string, negate: boolean): string {
    return `${left} ${negate ? "NOT ILIKE" : "ILIKE"} ${right}`;
  }
  protected override renderRegexp(left: string, right: string, negate: boolean, flags: string | undefined): string {
    const ci = flags?.includes("i") ?? false;
    const op = `${negate ? "!" : ""}~${ci ? "*" : ""}`;
    return `${left} ${op} ${right}`;
  }
  protected override renderBytesLiteral(b: Uint8Array): string {
    return `'\\x${[...b].map((x) => x.toString(16).padStart(2, "0")).join("")}'::bytea`;
  }
}
