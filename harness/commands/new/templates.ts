/**
 * Scenario templates of `harness new` (as `k6 new` has templates, but typed and wired to the
 * scenario library). Each is a function of the import path of scenarios/lib as seen from the new
 * file, so a scenario written anywhere compiles at once.
 */
export const TEMPLATES = ['protocol', 'arrival-rate', 'chaos'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export function renderTemplate(template: TemplateName, name: string, lib: string): string {
  return BODIES[template](name, lib);
}

const BODIES: Record<TemplateName, (name: string, lib: string) => string> = {
  protocol: (name, lib) => `/**
 * ${name}: constant VUs post telemetry samples and poll /health; every check must pass.
 *
 * Written by \`harness new ${name} --template protocol\`. Overrides: --vus, --duration,
 * HARNESS_THINK_TIME (default 0.5 s).
 */
import { sleep } from 'k6';
import type { Options } from 'k6/options';
import { checkHealthy, checkIngest, constantVus, getHealth, makeSample, postSample, thinkTime } from '${lib}';

export const options: Options = {
  scenarios: { ${ident(name)}: constantVus({ vus: 2, duration: '10s' }) },
  thresholds: {
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
  },
};

const pause = thinkTime(0.5);

export default function (): void {
  checkIngest(postSample(makeSample(__VU, __ITER)));
  if (__ITER % 10 === 0) checkHealthy(getHealth());
  sleep(pause);
}
`,
  'arrival-rate': (name, lib) => `/**
 * ${name}: a constant arrival rate of sample posts, independent of response times (open model).
 *
 * Written by \`harness new ${name} --template arrival-rate\`. Overrides: --duration, --vus
 * (maxVUs), HARNESS_RATE (iterations/s, default 10).
 */
import type { Options } from 'k6/options';
import { checkIngest, constantArrivalRate, makeSample, postSample } from '${lib}';

export const options: Options = {
  scenarios: { ${ident(name)}: constantArrivalRate({ rate: 10, duration: '10s', preAllocatedVUs: 2, maxVUs: 10 }) },
  thresholds: {
    http_req_duration: ['p(95)<500'],
    checks: ['rate>0.99'],
  },
};

export default function (): void {
  checkIngest(postSample(makeSample(__VU, __ITER)));
}
`,
  chaos: (name, lib) => `/**
 * ${name}: steady load meant to run under a chaos experiment; back-pressure (429/503) is an
 * accepted answer, other failures are not.
 *
 * Written by \`harness new ${name} --template chaos\`. Run it with a fault, e.g.
 * \`harness run <this file> --runtime local\` next to \`harness chaos <experiment>\` (harness list).
 */
import { sleep } from 'k6';
import type { Options } from 'k6/options';
import { checkIngest, constantVus, makeSample, postSample, thinkTime } from '${lib}';

export const options: Options = {
  scenarios: { ${ident(name)}: constantVus({ vus: 2, duration: '30s' }) },
  thresholds: {
    checks: ['rate>0.9'],
  },
};

const pause = thinkTime(0.2);

export default function (): void {
  // 'tolerate': 429/503 with Retry-After pass (the gateway shedding load is the expected answer)
  checkIngest(postSample(makeSample(__VU, __ITER)), 'tolerate');
  sleep(pause);
}
`,
};

/** A scenario key k6 accepts (letters, digits, _ and -) quoted when it is not an identifier. */
function ident(name: string): string {
  const key = name.replace(/[^A-Za-z0-9_-]/g, '_') || 'main';
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `'${key}'`;
}
