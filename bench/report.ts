/**
 * Benchmark report: one row per figure, rendered as a markdown table, plus free-form sections.
 * @module
 */

/** One line of the main table. Times in seconds (medians). */
export interface ReportRow {
  readonly benchmark: string;
  readonly dialect: string;
  readonly athanor: number | undefined;
  readonly raw: number | undefined;
  /** athanor / raw. */
  readonly ratio: number | undefined;
  /** Human-readable target, e.g. "≤ 1.25×"; "—" when informational. */
  readonly target: string;
  /** Undefined when the row has no target. */
  readonly pass: boolean | undefined;
}

/** A titled markdown block appended after the main table. */
export interface ReportSection {
  readonly title: string;
  readonly markdown: string;
}

/** What one benchmark contributes to the report. */
export interface BenchOutcome {
  readonly rows: readonly ReportRow[];
  readonly sections: readonly ReportSection[];
}

/** A ratio target: pass when `ratio <= max`. */
export function ratioRow(benchmark: string, dialect: string, athanor: number, raw: number, max: number | undefined): ReportRow {
  const ratio = athanor / raw;
  return {
    benchmark,
    dialect,
    athanor,
    raw,
    ratio,
    target: max === undefined ? "—" : `≤ ${max.toFixed(2)}×`,
    pass: max === undefined ? undefined : ratio <= max,
  };
}

const fmtS = (s: number | undefined): string => (s === undefined ? "—" : s < 0.01 ? s.toFixed(4) : s.toFixed(3));
const fmtR = (r: number | undefined): string => (r === undefined ? "—" : `${r.toFixed(2)}×`);
const fmtP = (p: boolean | undefined): string => (p === undefined ? "—" : p ? "pass" : "**FAIL**");

/** A markdown table from a header and string cells. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The main table. */
export function renderMainTable(rows: readonly ReportRow[]): string {
  return markdownTable(
    ["benchmark", "dialect", "athanor (s)", "raw (s)", "ratio", "target", "pass/fail"],
    rows.map((r) => [r.benchmark, r.dialect, fmtS(r.athanor), fmtS(r.raw), fmtR(r.ratio), r.target, fmtP(r.pass)]),
  );
}

/** The whole report as markdown. */
export function renderReport(title: string, preamble: string, outcomes: readonly BenchOutcome[]): string {
  const rows = outcomes.flatMap((o) => o.rows);
  const sections = outcomes.flatMap((o) => o.sections);
  const parts = [`# ${title}`, preamble, renderMainTable(rows)];
  for (const s of sections) parts.push(`## ${s.title}`, s.markdown);
  return parts.join("\n\n") + "\n";
}
