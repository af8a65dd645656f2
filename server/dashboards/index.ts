export { attachDashboards } from './hub.js';
export { createEventLog, stamp, type LocalEventLog } from './event-log.js';
