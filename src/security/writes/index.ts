export { checkValue, GuardedCommands, type GuardedCommandsDeps } from './commands.js';
export { type WritesConfig, type WriteValueRule, writesSchema } from './config.js';
