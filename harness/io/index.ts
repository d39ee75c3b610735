export { processContext, type IoContext } from './io-context';
