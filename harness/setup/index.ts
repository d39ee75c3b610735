export { ensureDebianPackage, which } from './debian-package';
