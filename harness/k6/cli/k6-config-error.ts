/**
 * k6 v0.48's own error line for a configuration problem the built-in engine found, so a run that
 * k6 refuses logs the same text (scripts' CI and dashboards match on it); the harness's listing of
 * every problem, with its hint, still follows on stderr. Undefined when no problem has a k6 text.
 * k6 stops at its first error, so the first problem with a k6 text wins, except the scenarios'
 * configuration errors and the exec-not-found problems, which k6 lists together.
 */
import { pathToFileURL } from 'node:url';

export function k6ConfigErrorText(problems: readonly string[], script: { given: string; abs: string }): string | undefined {
  const missing: string[] = [];
  for (const p of problems) {
    let m = /^scenarios\.(.+)\.exec: the script has no default export/.exec(p);
    if (m) missing.push(`\t- executor ${m[1]}: function 'default' not found in exports`);
    else if ((m = /^scenarios\.(.+)\.exec: function '(.*)' not found in exports$/.exec(p))) missing.push(`\t- executor ${m[1]}: function '${m[2]}' not found in exports`);
  }
  for (const p of problems) {
    let m = /^scenarios\.[^.]+\.executor: unknown executor "(.*)";/.exec(p);
    if (m) return `could not initialize '${script.given}': could not load JS test '${pathToFileURL(script.abs).href}': unknown executor type '${m[1]}'`;
    m = /^thresholds\["(.*)"\]\[\d+\]: failed parsing threshold "(.*)": right-hand side "(.*)" is not a number$/.exec(p);
    if (m) return `failed parsing threshold expresion's ${JSON.stringify(m[2])} right hand side; reason: strconv.ParseFloat: parsing ${JSON.stringify(m[3])}: invalid syntax`;
    m = /^thresholds\["(.*)"\]: no metric named "(.*)" exists/.exec(p);
    if (m) return `invalid threshold defined on ${m[1]}; reason: no metric name ${JSON.stringify(m[2])} found`;
  }
  // k6 lists each scenario's Validate() errors on one line, then the missing exec functions
  const byScenario = new Map<string, string[]>();
  for (const p of problems) {
    const k6 = scenarioText(p);
    if (k6) byScenario.set(k6.scenario, [...(byScenario.get(k6.scenario) ?? []), k6.text]);
  }
  const lines = [...[...byScenario].map(([name, texts]) => `\t- scenario ${name} has configuration errors: ${texts.join(', ')}`), ...missing];
  if (lines.length) return `There were problems with the specified script configuration:\n${lines.join('\n')}`;
  return undefined;
}

/**
 * k6 v0.48's text (lib/executor/*.go `Validate`) for a scenario problem the built-in engine words
 * its own way (`scenarios.<name>.<field>: <engine text>`), by field and engine text; the
 * executor's type does not matter, since k6 words a field's rule the same in every executor.
 */
const SCENARIO_TEXTS: ReadonlyArray<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^startTime: can't be negative/, () => "the startTime can't be negative"],
  [/^gracefulStop: can't be negative/, () => "the gracefulStop timeout can't be negative"],
  [/^(duration|maxDuration): must be at least (\S+), got (\S+)$/, (m) => `the ${m[1]} must be at least ${m[2]}, but is ${m[3]}`],
  [/^duration: is required/, () => 'the duration is unspecified'],
  [/^vus: must be >= 1, got/, () => 'the number of VUs must be more than 0'],
  [/^iterations: must be >= 1, got/, () => 'the number of iterations must be more than 0'],
  [/^iterations: (the number of iterations \(\d+\) can't be less than the number of VUs \(\d+\))$/, (m) => m[1]],
  [/^startVUs: must be >= 0, got/, () => "the number of start VUs can't be negative"],
  [/^stages: (either startVUs or one of the stages' target values must be greater than 0|at least one stage has to be specified)$/, (m) => m[1]],
  [/^stages\[(\d+)\]\.duration: is required$/, (m) => `stage ${Number(m[1]) + 1} doesn't have a duration`],
  [/^stages\[(\d+)\]\.duration: can't be negative$/, (m) => `the duration for stage ${Number(m[1]) + 1} can't be negative`],
  [/^stages\[(\d+)\]\.target: must be a non-negative integer, got -/, (m) => `the target for stage ${Number(m[1]) + 1} can't be negative`],
  [/^rate: is required/, () => "the iteration rate isn't specified"],
  [/^rate: (the iteration rate must be more than 0)$/, (m) => m[1]],
  [/^startRate: must be >= 0, got/, () => "the startRate value can't be negative"],
  [/^timeUnit: (must be more than 0|can't be negative)/, () => 'the timeUnit must be more than 0'],
  [/^preAllocatedVUs: is required/, () => "the number of preAllocatedVUs isn't specified"],
  [/^preAllocatedVUs: must be >= 0, got/, () => "the number of preAllocatedVUs can't be negative"],
  [/^maxVUs: can't be less than preAllocatedVUs/, () => "maxVUs can't be less than preAllocatedVUs"],
];

function scenarioText(problem: string): { scenario: string; text: string } | undefined {
  const m = /^scenarios\.([^.]+)\.(.*)$/.exec(problem);
  if (!m) return undefined;
  for (const [re, text] of SCENARIO_TEXTS) {
    const f = re.exec(m[2]);
    if (f) return { scenario: m[1], text: text(f) };
  }
  return undefined;
}
