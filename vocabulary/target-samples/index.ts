export type { PromPoint, TargetScrape, TargetRecord } from './types';
export { TARGET_FILE, TARGET_REDIS_FIELDS, targetRecordOf, encodeTargetRecord, decodeTargetRecord } from './target-record';
export { readTargetRecords } from './read-target-records';
