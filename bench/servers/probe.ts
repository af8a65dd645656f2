/**
 * Loaded into the gateway with `node --import <this file>`: installs the stats probe
 * without touching the gateway's code.
 */
import { installProbe } from './probe-server.js';

installProbe();
