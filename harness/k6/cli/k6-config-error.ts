/**
 * k6 v0.48's own error line for a configuration problem the built-in engine found, so a run that
 * k6 refuses logs the same text (scripts' CI and dashboards match on it); the harness's listing of
 * every problem, with its hint, still follows on stderr. Undefined when no problem has a k6 text.
 * k6 stops at its first error, so the first problem with a k6 text wins, except the
 * exec-not-found problems, which k6 lists together.
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
  if (missing.length) return `There were problems with the specified script configuration:\n${missing.join('\n')}`;
  return undefined;
}
