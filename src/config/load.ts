import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigFile } from './config-file.js';
import type { Environment } from './environment.js';

/** Names a config file may have in the working directory, looked for in this order. */
export const CONFIG_NAMES = ['tokenspend.yaml', 'tokenspend.yml', 'tokenspend.json', '.tokenspend.yaml'];

/**
 * The config file: `--config FILE`, else TOKENSPEND_CONFIG, else one found in the working
 * directory; none with `--no-config`. zod and the YAML parser load only when there is one.
 */
export async function loadConfig(flag: string | false | undefined, env: Environment): Promise<ConfigFile | undefined> {
  if (flag === false) return undefined;
  const path = flag ?? env.vars.TOKENSPEND_CONFIG ?? CONFIG_NAMES.map((n) => join(env.cwd, n)).find((p) => existsSync(p));
  if (path === undefined || path === '') return undefined;
  const { loadConfigFile } = await import('./config-file.js');
  return loadConfigFile(path);
}
