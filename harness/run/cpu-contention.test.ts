import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CpuContentionMeter, treeByChildrenFiles, treeByParents } from './cpu-contention';

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

  it('finds the same process tree from the children files as from every process\'s parent, grandchildren included', async function () {
    if (!existsSync(`/proc/${process.pid}/task/${process.pid}/children`)) {
      console.log('    skipped: no /proc/<pid>/task/<tid>/children here (CONFIG_PROC_CHILDREN): the parents walk is the only one');
      this.skip();
    }
    // a child that starts a grandchild and prints its pid
    const child = spawn(process.execPath, ['-e', "const c=require('child_process').spawn(process.execPath,['-e','setTimeout(()=>{},20000)'],{stdio:'ignore'});console.log(c.pid);setTimeout(()=>{},20000)"], { stdio: ['ignore', 'pipe', 'ignore'] });
    let grandchild = 0;
    try {
      grandchild = Number(await new Promise<string>((r) => child.stdout!.once('data', (d) => r(String(d)))));
      const byChildren = treeByChildrenFiles(process.pid).sort((a, b) => a - b);
      const byParents = treeByParents(process.pid).sort((a, b) => a - b);
      assert.ok(byChildren.includes(child.pid!) && byChildren.includes(grandchild), `child ${child.pid} and grandchild ${grandchild} in ${byChildren}`);
      assert.deepEqual(byChildren, byParents);
    } finally {
      child.kill('SIGKILL');
      if (grandchild > 0) process.kill(grandchild, 'SIGKILL');
    }
  });
});
