export { createRouter, type RouterDeps } from './router.js';
export { createSessionRoutes, type SessionRoutes, type SessionRoutesDeps } from './sessions.js';
export { DashboardPage } from './page.js';
export { RateLimiter, type RateLimiterOptions } from './rate-limit.js';
export { packageRoot } from './package-root.js';
