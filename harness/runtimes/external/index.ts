export { ExternalRuntime } from './external-runtime';
