// admin: the operator's side: sign-in and sessions, the admin API, key checks, file editing, the dashboard.
export { AdminGuard, effectiveAdminKey } from './admin-guard';
export { FileEditor } from './file-editor';
export { KeyChecker } from './key-check';
export { adminRoutes, type AdminServices } from './routes/admin';
export { dashboardRoutes } from './routes/dashboard';
export { metricsRoutes } from './routes/metrics';
export { sessionRoutes } from './routes/session';
export { statusRoutes } from './routes/status';
export { Sessions, loadSessionSecret } from './session';
export { SignInLimiter } from './sign-in-limit';
export { loadWebAssets, type WebAsset } from './web-assets';
