export { AsyncDisposableStack } from './async-disposable-stack';
