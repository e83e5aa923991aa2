import isSafe from 'safe-regex2';
import { usageError } from './errors.js';

/**
 * A regular expression from a user (`--match`, budget scopes, pricing patterns), anchored like
 * PromQL's. Refused when it is not valid, or when its nested quantifiers could take exponential
 * time on a hostile label value (`(a+)+$`): matching cannot be interrupted, so it must be safe to
 * begin with. `what` names where it came from, for the message.
 */
export function userRegex(source: string, what: string, flags = ''): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${source})$`, flags);
  } catch (e) {
    throw usageError(`${what}: invalid regular expression: ${(e as Error).message}`);
  }
  if (!isSafe(re)) {
    throw usageError(
      `${what}: the regular expression ${JSON.stringify(source)} could take exponential time (nested repetition); simplify it`,
    );
  }
  return re;
}
