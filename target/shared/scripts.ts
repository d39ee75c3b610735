/**
 * Lua scripts: each state change of a record is one atomic script, which is what makes the
 * accounting exact (a record is in the queue iff its id was added to accepted-ids; it leaves a
 * processing list iff its id was added to processed-ids).
 */
import type { Redis } from 'ioredis';

/**
 * Accept the writes of k requests in one call (a gateway process groups the requests that
 * reach Redis in the same event-loop turn). Each request is its own all-or-nothing unit,
 * decided in order exactly as if it had its own script call.
 * KEYS: queue, counters, accepted-ids
 * ARGV: k, capacity, rateLimit (0 = off; both are the gateway process's settings, the same for
 *       every request of a call), then per request:
 *       n, id1, rec1, ..., idn, recn, and only when rateLimit > 0: m, rateKey1, count1, ..., rateKeym, countm
 * (3 arguments for one sample without a rate limit: every argument costs Lua a string and the
 * client an encoding, per request.)
 * Returns a flat array {status1, queueLength1, ..., statusk, queueLengthk}: status 1 accepted,
 * 0 queue full, -2 rate limited.
 * Ids already accepted are not pushed again, so a retry after an ambiguous failure is safe.
 */
const ACCEPT = `
local k = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local len = redis.call('LLEN', KEYS[1])
local out = {}
local total = 0
local pos = 4
for r = 1, k do
  local n = tonumber(ARGV[pos])
  local b = pos + 1
  local rb = b + 2 * n
  local m = 0
  if limit > 0 then m = tonumber(ARGV[rb]) end
  local status = 1
  if len + n > cap then
    status = 0
  else
    if limit > 0 then
      for i = 0, m - 1 do
        local cur = tonumber(redis.call('GET', ARGV[rb + 1 + 2 * i]) or '0')
        if cur + tonumber(ARGV[rb + 2 + 2 * i]) > limit then status = -2 break end
      end
      if status == 1 then
        for i = 0, m - 1 do
          local key = ARGV[rb + 1 + 2 * i]
          redis.call('INCRBY', key, ARGV[rb + 2 + 2 * i])
          redis.call('EXPIRE', key, 2)
        end
      end
    end
    if status == 1 then
      for i = 0, n - 1 do
        if redis.call('SADD', KEYS[3], ARGV[b + 2 * i]) == 1 then
          redis.call('LPUSH', KEYS[1], ARGV[b + 1 + 2 * i])
          len = len + 1
          total = total + 1
        end
      end
    end
  end
  out[2 * r - 1] = status
  out[2 * r] = len
  pos = rb
  if limit > 0 then pos = rb + 1 + 2 * m end
end
if total > 0 then redis.call('HINCRBY', KEYS[2], 'accepted', total) end
return out
`;

/**
 * Mark a batch processed and take it off the worker's processing list.
 * KEYS: processing, processed-ids, counters, processing-hist
 * ARGV: n, then per record: raw, id ('' when unparseable); then m, then m pairs (bucket le, count);
 *       then the batch's duration sum (seconds)
 * The worker moved the batch with LMOVE RIGHT->LEFT, so its oldest record sits at the tail:
 * LREM with count -1 searches from the tail and finds each record at once (count 1 would scan
 * the whole list per record, O(n^2) per batch). Counters are added once per batch.
 */
const COMPLETE = `
local n = tonumber(ARGV[1])
local processed, duplicates, unknown = 0, 0, 0
for i = 0, n - 1 do
  local raw, id = ARGV[2 + 2 * i], ARGV[3 + 2 * i]
  if id == '' then
    unknown = unknown + 1
  elseif redis.call('SADD', KEYS[2], id) == 1 then
    processed = processed + 1
  else
    duplicates = duplicates + 1
  end
  redis.call('LREM', KEYS[1], -1, raw)
end
if processed > 0 then redis.call('HINCRBY', KEYS[3], 'processed', processed) end
if duplicates > 0 then redis.call('HINCRBY', KEYS[3], 'duplicates', duplicates) end
if unknown > 0 then redis.call('HINCRBY', KEYS[3], 'unknown', unknown) end
local base = 2 + 2 * n
local m = tonumber(ARGV[base])
for j = 0, m - 1 do
  redis.call('HINCRBY', KEYS[4], ARGV[base + 1 + 2 * j], ARGV[base + 2 + 2 * j])
end
if n > 0 then
  redis.call('HINCRBY', KEYS[4], 'count', n)
  redis.call('HINCRBYFLOAT', KEYS[4], 'sum', ARGV[base + 1 + 2 * m])
end
return n
`;

/**
 * Move up to n records from the consumer end of the queue to the processing list in one round
 * trip (after a BLMOVE found the queue non-empty). KEYS: queue, processing. ARGV: n.
 * Returns the moved records, oldest first.
 */
const TAKE = `
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  local v = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not v then break end
  out[i] = v
end
return out
`;

/** Move every record of a (dead) worker's processing list back to the consumer end of the queue. KEYS: processing, queue */
const RECOVER = `
local n = 0
while redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT') do n = n + 1 end
return n
`;

export interface TargetScripts {
  /** args: see ACCEPT (k, capacity, rate limit, then each request's arguments). */
  accept(keys: [string, string, string], args: (string | number)[]): Promise<number[]>;
  complete(keys: [string, string, string, string], args: (string | number)[]): Promise<number>;
  recover(keys: [string, string]): Promise<number>;
  take(keys: [string, string], n: number): Promise<string[]>;
}

type ScriptedRedis = Redis & {
  thAccept(k1: string, k2: string, k3: string, args: (string | number)[]): Promise<number[]>;
  thComplete(k1: string, k2: string, k3: string, k4: string, ...args: (string | number)[]): Promise<number>;
  thRecover(k1: string, k2: string): Promise<number>;
  thTake(k1: string, k2: string, n: number): Promise<string[]>;
};

/** Registers the scripts on a client (EVALSHA with automatic EVAL fallback, via ioredis defineCommand). */
export function defineScripts(redis: Redis): TargetScripts {
  const r = redis as ScriptedRedis;
  if (typeof r.thAccept !== 'function') {
    redis.defineCommand('thAccept', { numberOfKeys: 3, lua: ACCEPT });
    redis.defineCommand('thComplete', { numberOfKeys: 4, lua: COMPLETE });
    redis.defineCommand('thRecover', { numberOfKeys: 2, lua: RECOVER });
    redis.defineCommand('thTake', { numberOfKeys: 2, lua: TAKE });
  }
  return {
    // ioredis flattens an array argument: no spread of a possibly long argument list.
    accept: (k, a) => r.thAccept(k[0], k[1], k[2], a),
    complete: (k, a) => r.thComplete(...k, ...a),
    recover: (k) => r.thRecover(...k),
    take: (k, n) => r.thTake(...k, n),
  };
}
