/**
 * Stress: arrival rate ramps 50 -> 3200 req/s until an abortOnFail threshold stops it; finds the saturation point.
 *
 * The run is expected to end early with exit code 99: the saturation point is the offered rate
 * when it stopped, recorded in the `stress_offered_rate` gauge (its last value in the summary).
 * Abort when, after 10 s of data, p(95) latency >= 500 ms or ingest_errors >= 5% or
 * back-pressure >= 5%. Overrides: HARNESS_RATE scales the 3200/s peak, --duration the 150 s
 * profile, --vus sets maxVUs (default 500).
 */
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { Gauge } from 'k6/metrics';
import { checkIngest, makeSample, postSample, rampingArrivalRate, totalSeconds } from './lib';

const profile = rampingArrivalRate({
  startRate: 50,
  stages: [
    { duration: '30s', target: 200 },
    { duration: '30s', target: 400 },
    { duration: '30s', target: 800 },
    { duration: '30s', target: 1600 },
    { duration: '30s', target: 3200 },
  ],
  preAllocatedVUs: 50,
  maxVUs: 500,
  gracefulStop: '5s',
});

export const options: Options = {
  scenarios: { stress: profile },
  thresholds: {
    http_req_duration: [{ threshold: 'p(95)<500', abortOnFail: true, delayAbortEval: '10s' }],
    ingest_errors: [{ threshold: 'rate<0.05', abortOnFail: true, delayAbortEval: '10s' }],
    ingest_backpressure: [{ threshold: 'rate<0.05', abortOnFail: true, delayAbortEval: '10s' }],
  },
};

const offeredRate = new Gauge('stress_offered_rate');
const totalS = totalSeconds(profile.stages);

/** The ramping-arrival-rate target (iterations/s) at `elapsedS` into the profile. */
function rateAt(elapsedS: number): number {
  let from = profile.startRate ?? 0;
  let t = 0;
  for (const stage of profile.stages) {
    const d = totalSeconds([stage]);
    if (elapsedS <= t + d) return d === 0 ? stage.target : from + ((stage.target - from) * (elapsedS - t)) / d;
    from = stage.target;
    t += d;
  }
  return from;
}

export default function (): void {
  offeredRate.add(Math.round(rateAt(exec.scenario.progress * totalS)));
  checkIngest(postSample(makeSample(exec.vu.idInTest, exec.scenario.iterationInTest)), 'tolerate');
}
