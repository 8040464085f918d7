/** berthd's own version, shown in /version, /info and the Server header. */
export const BERTH_VERSION = '0.1.0';
export const GIT_COMMIT = process.env.BERTH_GIT_COMMIT ?? 'unknown';
