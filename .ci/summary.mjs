// Prints `vitest: N passed, N failed, N skipped` from vitest's JSON report.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.log(`vitest: no report at ${file} (${err.message})`);
  process.exit(1);
}
const failed = report.numFailedTests + (report.numFailedTestSuites ?? 0) - 0;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (report.numTotalTests === 0 || failed > 0 || report.success === false) process.exit(1);
