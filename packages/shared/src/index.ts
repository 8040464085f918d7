export * from './errors.js';
export * from './api-version.js';
export * from './stdcopy.js';
export * from './units.js';
export * from './ids.js';
export * from './names.js';
