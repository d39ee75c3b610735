export { toxiproxyClient, type ToxiproxyClientOptions } from './toxiproxy-client';
