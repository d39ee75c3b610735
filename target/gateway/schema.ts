/**
 * The sample format (JSON Schema, validated by fastify/ajv with every error reported):
 *
 *   { "device_id": "sensor-42",                  // 1..128 chars of [A-Za-z0-9._:-]
 *     "timestamp": 1700000000000,                // epoch milliseconds, or an RFC 3339 string
 *     "metrics": { "temp_c": 21.5, "rssi": -70 } // 1..100 names ([A-Za-z_][A-Za-z0-9_.]{0,63}) -> finite numbers
 *   }
 *
 * Unknown top-level properties are rejected. A batch is an array of 1..BATCH_MAX samples
 * (or `{ "samples": [...] }`).
 */
export interface Sample {
  device_id: string;
  timestamp: number | string;
  metrics: Record<string, number>;
}

export const sampleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['device_id', 'timestamp', 'metrics'],
  properties: {
    device_id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' },
    timestamp: {
      anyOf: [
        { type: 'integer', minimum: 0, maximum: 8_640_000_000_000_000 },
        { type: 'string', format: 'date-time', maxLength: 64 },
      ],
    },
    metrics: {
      type: 'object',
      minProperties: 1,
      maxProperties: 100,
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_.]{0,63}$' },
      additionalProperties: { type: 'number' },
    },
  },
} as const;

export function batchSchema(max: number) {
  return { type: 'array', minItems: 1, maxItems: max, items: sampleSchema } as const;
}
