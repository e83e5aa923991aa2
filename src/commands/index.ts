import { budgetCheck } from './budget-check.js';
import type { CommandDefinition } from './command.js';
import { doctor } from './doctor.js';
import { forecast } from './forecast.js';
import { pricingList } from './pricing-list.js';
import { pricingShow } from './pricing-show.js';
import { pricingValidate } from './pricing-validate.js';
import { report } from './report.js';

/** Every command, in the order of `--help`. A new command is one file and one line here. */
export const COMMANDS: readonly CommandDefinition[] = [report, budgetCheck, forecast, doctor, pricingList, pricingShow, pricingValidate];

/** Descriptions of the parents of sub-commands (`budget check`, `pricing list`). */
export const COMMAND_GROUPS: Readonly<Record<string, string>> = {
  budget: 'budgets and the CI gate',
  pricing: 'list, show and validate prices',
};
