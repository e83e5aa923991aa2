import { usageError } from '../errors.js';
import { parseEndpoint } from './http.js';

/** `--file [NAME=]PATH` or `--scrape [NAME=]URL`. */
export interface SourceSpec {
  kind: 'file' | 'scrape';
  name: string | undefined;
  location: string;
}

export const SCRAPE_EXAMPLE = 'http://host:port/metrics';

/** Splits an optional `NAME=` prefix; a NAME is letters, digits, `_`, `-` and `.`. */
export function parseSourceArg(kind: SourceSpec['kind'], arg: string): SourceSpec {
  const m = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(arg);
  const spec: SourceSpec = m ? { kind, name: m[1], location: m[2] as string } : { kind, name: undefined, location: arg };
  if (spec.location === '') throw usageError(`--${kind}: empty ${kind === 'file' ? 'path' : 'URL'} in "${arg}"`);
  if (kind === 'scrape') parseEndpoint(spec.location, '--scrape', SCRAPE_EXAMPLE);
  return spec;
}
