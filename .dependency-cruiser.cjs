/**
 * The project's layers, checked by `npm run lint:layers` (part of `npm test`): a wrong arrow is a
 * failing test. docs/architecture.md draws the picture; in short, arrows point down:
 *
 *   harness/cli.ts ─▶ harness/commands ─▶ harness/run (run session) ─▶ harness/runtimes, harness/engines,
 *                                                                       harness/report (─▶ vocabulary only)
 *                              │                 │                      harness/k6 (the engine)
 *                              └─▶ chaos ────────┴─▶ vocabulary ◀──────────┘
 *   target/     imports nothing of ours (the target image copies only target/)
 *   scenarios/  imports only k6, scenarios/lib and vocabulary/duration (bundled for k6's JS runtime)
 *
 * Tests (`*.test.ts`), test helpers (`testing/`), fixtures and benches may reach across layers to
 * assemble real components (a target test takes a free port from harness/testing); they are never
 * in the target image or a scenario bundle. Cycles are forbidden everywhere.
 */

/** Test code: files that only mocha loads. */
const TESTS = '(\\.test\\.ts$|/testing/|\\.bench\\.ts$|/fixtures/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make the load order matter and the layers meaningless; break them by moving the shared piece down or handing it in.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'target-imports-nothing-of-ours',
      severity: 'error',
      comment: 'target/ is the system under test: its image copies only target/, so it imports nothing from the harness, chaos, scenarios or the vocabulary.',
      from: { path: '^target/', pathNot: TESTS },
      to: { path: '^(harness|chaos|scenarios|vocabulary|grafana|reports)/' },
    },
    {
      name: 'scenarios-only-k6-lib-and-duration',
      severity: 'error',
      comment: 'scenarios/ is bundled for k6 (a JS runtime, not Node): it may import k6 modules, scenarios/lib and vocabulary/duration only.',
      from: { path: '^scenarios/', pathNot: TESTS },
      to: { pathNot: '^(scenarios/|vocabulary/duration|node_modules/@types/k6/|k6($|/))' },
    },
    {
      name: 'vocabulary-imports-nothing-of-ours',
      severity: 'error',
      comment: "vocabulary/ (durations, thresholds, the k6 JSON stream) is the bottom layer everyone shares: it imports nothing of the project's.",
      from: { path: '^vocabulary/', pathNot: TESTS },
      to: { path: '^(harness|chaos|target|scenarios|grafana|reports)/' },
    },
    {
      name: 'engine-not-cli-or-run',
      severity: 'error',
      comment: 'The engine (harness/k6) is a library the run session drives: it takes an IoContext (harness/io), never the commands, the run layer or the CLI.',
      from: { path: '^harness/k6/', pathNot: TESTS },
      to: { path: '^harness/(commands/|run/|cli\\.ts$)' },
    },
    {
      name: 'outputs-not-run-or-commands',
      severity: 'error',
      comment: 'An output (harness/outputs, e.g. InfluxDB streaming) is what the run session plugs in: it declares the context it needs and never imports the run layer, the commands or the CLI.',
      from: { path: '^harness/outputs/', pathNot: TESTS },
      to: { path: '^harness/(run/|commands/|cli\\.ts$)' },
    },
    {
      name: 'target-sampling-below-outputs',
      comment: "harness/target-sampling (the run's one target sampler) is what the run session starts and outputs subscribe to: it imports only the vocabulary and the target's key names, never outputs, the run layer, commands or the CLI.",
      severity: 'error',
      from: { path: '^harness/target-sampling/', pathNot: TESTS },
      to: { path: '^(harness/(?!target-sampling/)|chaos/|scenarios/|target/(?!shared/keys\\.ts$))' },
    },
    {
      name: 'runtimes-not-run-or-commands',
      severity: 'error',
      comment: 'A runtime never imports the run layer it serves: it is handed a PidFile and a run id (harness/run-record).',
      from: { path: '^harness/runtimes/', pathNot: TESTS },
      to: { path: '^harness/(run/|commands/|cli\\.ts$)' },
    },
    {
      name: 'engines-not-run-or-commands',
      severity: 'error',
      comment: 'The engine adapters (harness/engines) sit below the run session.',
      from: { path: '^harness/engines/', pathNot: TESTS },
      to: { path: '^harness/(run/|commands/|cli\\.ts$)' },
    },
    {
      name: 'run-session-not-commands',
      severity: 'error',
      comment: 'The run session (harness/run) is what commands open; it never imports them or the CLI.',
      from: { path: '^harness/(run|run-record|io)/', pathNot: TESTS },
      to: { path: '^harness/(commands/|cli\\.ts$)' },
    },
    {
      name: 'chaos-declares-what-it-needs',
      severity: 'error',
      comment:
        'chaos declares the target, accounting and engine it needs (chaos/experiment/types.ts) and the harness wires them in: it imports no commands, CLI, run session, engines, runtimes or target code.',
      from: { path: '^chaos/', pathNot: TESTS },
      to: { path: '^(target/|harness/(commands/|cli\\.ts$|run/|engines/|runtimes/|k6/))' },
    },
    {
      name: 'report-reads-run-directories-only',
      severity: 'error',
      comment: "harness/report builds reports from a run directory's files and the vocabulary: the run session and `harness report` call it, it imports neither them nor engines, runtimes or chaos.",
      from: { path: '^harness/report/', pathNot: TESTS },
      to: { path: '^(harness/(?!report/)|chaos/|target/|scenarios/)' },
    },
    {
      name: 'gate-reads-run-directories-only',
      severity: 'error',
      comment: 'harness/gate (baselines, comparison) reads run directories through harness/report and the vocabulary, its tolerances typed in harness/config: commands and the run session call it, it imports neither them nor engines, runtimes or chaos.',
      from: { path: '^harness/gate/', pathNot: TESTS },
      to: { path: '^(harness/(?!gate/|report/|errors/|config/)|chaos/|target/|scenarios/)' },
    },
    {
      name: 'report-page-is-browser-code',
      severity: 'error',
      comment: 'harness/report/page is bundled into report.html for a browser: it imports only itself, the report data type and uPlot (no Node modules).',
      from: { path: '^harness/report/page/', pathNot: TESTS },
      to: { pathNot: '^(harness/report/page/|harness/report/report-data\\.ts$|node_modules/uplot/)' },
    },
    {
      name: 'k8s-renders-manifests-only',
      severity: 'error',
      comment: 'harness/k8s turns what a command compiled into Kubernetes objects (typed models, schema-checked): it imports only itself, the vocabulary and the errors; the command compiles and runs.',
      from: { path: '^harness/k8s/', pathNot: TESTS },
      to: { path: '^(harness/(?!k8s/|errors/)|chaos/|target/|scenarios/)' },
    },
    {
      name: 'commands-not-cli',
      severity: 'error',
      comment: 'harness/cli.ts declares the commands; commands are plain functions and never import it.',
      from: { path: '^harness/commands/', pathNot: TESTS },
      to: { path: '^harness/cli\\.ts$' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: "An import that resolves to nothing is a typo or a missing dependency (k6's modules exist only inside k6).",
      // The differential suite's k6 scripts import a missing module on purpose (error-unknown-module.js).
      from: { pathNot: '^(scenarios|harness/k6/differential/scripts)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Everything of ours; packages are leaves (their own imports are not followed).
    exclude: { path: '^(node_modules|\\.git|reports/runs)/|\\.dependency-cruiser\\.cjs$' },
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are arrows too: a layer that names another's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.d.ts', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
