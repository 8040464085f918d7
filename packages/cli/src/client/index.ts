export { Docker } from './docker.js';
export { Modem, buildQuery, type ModemOptions, type DialOptions, type ProgressEvent, type QueryValue } from './modem.js';
export { Container, Image, Network, Volume, Exec, registryAuth } from './objects.js';
export { apiError, isApiError, ConnectionError, type ApiError } from './errors.js';
export { Docker as default } from './docker.js';
