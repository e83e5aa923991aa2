import { describe, expect, it } from 'vitest';
import { describeNetworkError, isRetryableNetworkError } from '../../src/sources/http.js';

// The errors Node's HTTP client gives, shaped as it gives them: the message a user reads, and
// whether the request is worth another attempt.

function withCode(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('network errors from node:http', () => {
  it('says a timeout whether the request or the body was cut by it, and never asks again', () => {
    const aborted = Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
    const reason = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    for (const e of [aborted, reason]) {
      expect(describeNetworkError(e, 1500)).toBe('no answer within 1.5s (--timeout)');
      expect(isRetryableNetworkError(e)).toBe(false);
    }
  });

  it('says a connection closed mid-answer, and asks again', () => {
    for (const code of ['ECONNRESET', 'EPIPE']) {
      expect(describeNetworkError(withCode(code, 'socket hang up'), 1000)).toBe('connection closed before the response was complete');
      expect(isRetryableNetworkError(withCode(code))).toBe(true);
    }
  });

  it('names a refused connection and an unknown host; only the refusal and a DNS hiccup are retried', () => {
    expect(describeNetworkError(withCode('ECONNREFUSED'), 1000)).toBe('connection refused (is the target running, and is the port right?)');
    expect(isRetryableNetworkError(withCode('ECONNREFUSED'))).toBe(true);
    expect(describeNetworkError(withCode('ENOTFOUND'), 1000)).toBe('host name not found');
    expect(isRetryableNetworkError(withCode('ENOTFOUND'))).toBe(false);
    expect(isRetryableNetworkError(withCode('EAI_AGAIN'))).toBe(true);
  });

  it('names an untrusted certificate by its code and does not retry it', () => {
    const e = withCode('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate');
    expect(describeNetworkError(e, 1000)).toBe('TLS certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)');
    expect(isRetryableNetworkError(e)).toBe(false);
  });

  it('passes any other error on by its message', () => {
    expect(describeNetworkError(withCode('EHOSTUNREACH', 'connect EHOSTUNREACH 10.0.0.1:9090'), 1000)).toBe(
      'connect EHOSTUNREACH 10.0.0.1:9090',
    );
  });
});
