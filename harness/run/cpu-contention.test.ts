import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CpuContentionMeter } from './cpu-contention';

describe('CpuContentionMeter (Linux schedstat of the process tree)', function () {
  this.timeout(30_000);
  before(function () {
    if (!existsSync('/proc/self/schedstat')) {
      console.log('    skipped: this kernel has no /proc/<pid>/schedstat (not Linux, or no CONFIG_SCHED_INFO)');
      this.skip();
    }
  });

  it("counts a child's CPU time although the child exited before stop(), and reports the wait per CPU", async () => {
    const meter = new CpuContentionMeter().start();
    // burns 600 ms of its own CPU time, then idles past the meter's next 1 s sample and exits
    const burn = 'const t=process.cpuUsage;while((t().user+t().system)<600000){}setTimeout(()=>{},1300)';
    const child = spawn(process.execPath, ['-e', burn], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    const c = meter.stop();
    assert.ok(c, 'a figure');
    assert.ok(c.cpuSeconds >= 0.55, `the child's ~0.6 s of CPU counted: ${c.cpuSeconds}`);
    assert.ok(c.waitSeconds >= 0 && Number.isFinite(c.waitPerCpu) && Math.abs(c.waitPerCpu - c.waitSeconds / c.cpuSeconds) < 1e-9);
  });
});
