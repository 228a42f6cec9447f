// Prints `<label>: N passed, N failed, N skipped` from a vitest JSON report (label: vitest).
// Exits 1 when the report is missing, ran no test, or recorded a failure.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const label = process.argv[3] ?? 'vitest';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.log(`${label}: no report at ${file} (${err.message})`);
  process.exit(1);
}
const failed = report.numFailedTests + (report.numFailedTestSuites ?? 0);
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (report.numTotalTests === 0 || failed > 0 || report.success === false) process.exit(1);
