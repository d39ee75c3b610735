import assert from 'node:assert/strict';
import { targetLines } from './target-points';

describe('influxdb: target points (a scrape of the run\'s target sampler as line protocol)', () => {
  it('gateway series as their family with labels + run tags + source=gateway; Redis as measurement redis', () => {
    const lines = targetLines(
      {
        at: 1_700_000_000_123,
        gateway: [
          { name: 'telemetryhub_samples_rejected_total', labels: { reason: 'rate_limited' }, fields: { value: 3 } },
          { name: 'telemetryhub_http_request_duration_seconds', labels: { route: '/health' }, fields: { count: 2, sum: 0.5 } },
        ],
        redis: { used_memory: 1024, queue_length: 7 },
      },
      { run_id: 'r1', testid: 'r1' },
    );
    assert.deepEqual(lines, [
      'telemetryhub_samples_rejected_total,reason=rate_limited,run_id=r1,source=gateway,testid=r1 value=3 1700000000123000000',
      'telemetryhub_http_request_duration_seconds,route=/health,run_id=r1,source=gateway,testid=r1 count=2,sum=0.5 1700000000123000000',
      'redis,run_id=r1,source=redis,testid=r1 used_memory=1024,queue_length=7 1700000000123000000',
    ]);
  });
});
