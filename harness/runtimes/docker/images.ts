import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { InvalidConfigError } from '../../errors';

/** Image references by compose service name. Tags live only in compose.yml (STYLE.md §15). */
export async function composeImages(cwd: string): Promise<Record<string, string>> {
  const file = join(cwd, 'compose.yml');
  const doc = parse(await readFile(file, 'utf8')) as { services?: Record<string, { image?: string }> };
  const out: Record<string, string> = {};
  for (const [name, svc] of Object.entries(doc?.services ?? {})) if (svc?.image) out[name] = svc.image;
  return out;
}

export async function composeImage(cwd: string, service: string): Promise<string> {
  const images = await composeImages(cwd);
  const image = images[service];
  if (!image) {
    throw new InvalidConfigError(`compose.yml has no image for service "${service}"`, [], {
      hint: `services with images: ${Object.keys(images).join(', ') || '(none)'}`,
    });
  }
  return image;
}
