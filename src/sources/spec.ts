import { usageError } from '../errors.js';

/** `--file [NAME=]PATH` or `--scrape [NAME=]URL`. */
export interface SourceSpec {
  kind: 'file' | 'scrape';
  name: string | undefined;
  location: string;
}

/** Splits an optional `NAME=` prefix; a NAME is letters, digits, `_`, `-` and `.`. */
export function parseSourceArg(kind: SourceSpec['kind'], arg: string): SourceSpec {
  const m = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(arg);
  const spec: SourceSpec = m ? { kind, name: m[1], location: m[2] as string } : { kind, name: undefined, location: arg };
  if (spec.location === '') throw usageError(`--${kind}: empty ${kind === 'file' ? 'path' : 'URL'} in "${arg}"`);
  if (kind === 'scrape') {
    let url: URL;
    try {
      url = new URL(spec.location);
    } catch {
      throw usageError(`--scrape: not a URL: "${redactUrl(spec.location)}"`, 'expected http://host:port/metrics');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw usageError(`--scrape: expected an http or https URL, got "${redactUrl(spec.location)}"`);
  }
  return spec;
}

/** The URL with any user:password replaced, for messages. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}
