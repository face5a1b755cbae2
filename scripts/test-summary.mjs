#!/usr/bin/env node
// Prints "N passed, N failed" from a vitest JSON report (the one summary line CI reads).
// A missing or unreadable report counts as one failure.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? ".vitest-report.json";
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (err) {
  console.log(`0 passed, 1 failed`);
  console.error(`test-summary: cannot read ${file}: ${err.message}`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// Files that failed to load (syntax errors, failed imports) have no tests but are failures.
const brokenFiles = (report.testResults ?? []).filter(
  (r) => r.status === "failed" && (r.assertionResults ?? []).length === 0,
).length;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
