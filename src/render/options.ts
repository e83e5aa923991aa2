import type { Provenance } from './html.js';

/** What a renderer needs to know about where its output goes. */
export interface RenderOptions {
  /** Colour (only on a TTY, never with NO_COLOR). */
  color: boolean;
  /** Terminal width in columns. */
  width: number;
  /** Digits after the decimal point for money; each format has its own default. */
  decimals?: number | undefined;
  /** Draw a chart under the table (forecast, on a terminal). */
  chart?: boolean | undefined;
  /** Where the figures came from (sources, price files), for outputs that say so (HTML). */
  provenance?: Provenance | undefined;
}

/** Turns one result into text; computes nothing the result does not already hold. */
export type Renderer<T> = (result: T, options: RenderOptions) => string;
