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

/**
 * A renderer whose text comes in pieces, in order, as it is rendered: a result of many rows is
 * written as it goes, never held whole. Iterating it has no side effects; a whole-text renderer
 * fits as `(r, o) => [render(r, o)]`.
 */
export type StreamRenderer<T> = (result: T, options: RenderOptions) => Iterable<string>;
