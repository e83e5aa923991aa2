/** Tokens per calendar day (`YYYY-MM-DD`) and `gateway|model`. */
export type Days = Record<string, Record<string, { input: number; output: number }>>;

/** A stepped JSON report (by gateway and model) in the truth's shape, days in the report's zone. */
export function byDay(json: any): Days {
  const out: Days = {};
  const day = new Intl.DateTimeFormat('sv-SE', { timeZone: json.window.timezone });
  for (const r of json.rows) {
    if (r.tokens.input + r.tokens.output === 0) continue;
    const d = day.format(new Date(Date.parse(r.start) + 1));
    out[d] ??= {};
    (out[d] as Days[string])[`${r.group.gateway}|${r.group.model}`] = { input: r.tokens.input, output: r.tokens.output };
  }
  return out;
}

/** `day key: got … want …` for every cell that differs, so a failure says where. */
export function differences(got: Days, want: Days): string[] {
  const out: string[] = [];
  for (const day of new Set([...Object.keys(got), ...Object.keys(want)])) {
    for (const key of new Set([...Object.keys(got[day] ?? {}), ...Object.keys(want[day] ?? {})])) {
      const g = got[day]?.[key] ?? { input: 0, output: 0 };
      const w = want[day]?.[key] ?? { input: 0, output: 0 };
      if (g.input !== w.input || g.output !== w.output) out.push(`${day} ${key}: got ${g.input}/${g.output}, want ${w.input}/${w.output}`);
    }
  }
  return out.sort();
}
