// The one task every agent test (and the fixture recorder) runs: read a file, fix a word in it,
// say done. The scripted model (the mock Gemini, or the recorder) drives it; the test checks
// the file on disk afterwards.
export const TASK_FILE = 'notes.txt';
export const TASK_ORIGINAL = 'The colour of the sky is blue.\nSecond line stays.\n';
export const TASK_EDITED = 'The color of the sky is blue.\nSecond line stays.\n';
/** Codex's shell step also leaves this file behind, so the test sees the command really ran. */
export const SHELL_MARK = 'checked.txt';

/** What Codex's exec_command runs first: shows the file and leaves SHELL_MARK behind. */
export const codexShellCommand = `cat ${TASK_FILE} && echo ran > ${SHELL_MARK}`;

export const claudeTask = `Read ${TASK_FILE} and change the word "colour" to "color" in it.`;
export const codexTask = `Show ${TASK_FILE}, then patch it so "colour" becomes "color".`;

/** The apply_patch body (Codex's freeform grammar) that makes TASK_ORIGINAL into TASK_EDITED. */
export const taskPatch = [
  '*** Begin Patch',
  `*** Update File: ${TASK_FILE}`,
  '@@',
  '-The colour of the sky is blue.',
  '+The color of the sky is blue.',
  ' Second line stays.',
  '*** End Patch',
  '',
].join('\n');
