// Prints `<label>: N passed, N failed, N skipped` from a vitest JSON report (label: vitest),
// preceded by one line per failed test (file, full name, the first line of its error) so that the
// tail of a CI log says what failed, not only how many.
// Exits 1 when the report is missing, ran no test, or recorded a failure.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const file = process.argv[2];
const label = process.argv[3] ?? 'vitest';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.log(`${label}: no report at ${file} (${err.message})`);
  process.exit(1);
}
for (const suite of report.testResults ?? []) {
  const where = relative(process.cwd(), suite.name);
  if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) {
    console.log(`${label} FAILED FILE ${where}: ${firstLine(suite.message)}`);
  }
  for (const test of suite.assertionResults ?? []) {
    if (test.status !== 'failed') continue;
    console.log(`${label} FAILED ${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
  }
}
const failed = report.numFailedTests + (report.numFailedTestSuites ?? 0);
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (report.numTotalTests === 0 || failed > 0 || report.success === false) process.exit(1);

function firstLine(text) {
  // eslint-disable-next-line no-control-regex
  const plain = String(text ?? '').replace(/\x1b\[[0-9;]*m/g, '');
  return plain.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 400) ?? '(no message)';
}
