export { Registry, type RegistryOptions } from './registry';
