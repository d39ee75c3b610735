export { createSecretStore, REDACTED, SecretStoreImpl } from './secret-store';
