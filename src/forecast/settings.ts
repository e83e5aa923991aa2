import type { MethodName } from './methods.js';

export type MethodChoice = MethodName | 'auto';

/** How a forecast is made: shared by `forecast` and the forecasts inside `budget check`. */
export interface ForecastSettings {
  /** Whole days of daily spend the forecast learns from. */
  historyDays: number;
  method: MethodChoice;
  /** Interval level, e.g. 0.8. */
  level: number;
  /** Forecast even with less history than the method needs. */
  force: boolean;
}

/** `--method` choices. */
export const METHOD_CHOICES: readonly MethodChoice[] = ['auto', 'seasonal', 'holt-winters', 'run-rate'];
