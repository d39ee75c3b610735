/** `npm run grafana:dashboards`: writes grafana/dashboards/*.json from grafana/src/dashboards.ts. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allDashboards, dashboardJson } from './dashboards';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dashboards');
for (const [file, d] of Object.entries(allDashboards())) {
  writeFileSync(join(dir, file), dashboardJson(d));
  console.log(`grafana/dashboards/${file}`);
}
