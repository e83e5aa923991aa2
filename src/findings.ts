/** A coded finding: data-quality notes, unpriced usage, budget results. */
export interface Finding {
  code: string;
  severity: 'info' | 'warning' | 'error';
  message: string;
}

export function finding(code: string, severity: Finding['severity'], message: string): Finding {
  return { code, severity, message };
}
