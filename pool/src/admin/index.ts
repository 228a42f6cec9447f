// admin: the operator's side: sign-in and sessions, the admin API, key checks, file editing, the dashboard.
export { AdminGuard, effectiveAdminKey } from './admin-guard';
export { FileEditor } from './file-editor';
export { guessLimit, KeyGuesses, tooManyKeyGuesses } from './guess-limit';
export { KeyChecker } from './key-check';
export { checkWorkersAtStart } from './startup-check';
export { operatorRoutes } from './operator';
export { type AdminServices } from './routes/admin';
export { Sessions, loadSessionSecret, type RevokedSessions } from './session';
