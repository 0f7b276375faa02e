import type { FormatBounds, FormatName } from './formats';

/** One key of the schema: what convict needs, plus the bounds our formats read. */
export interface KeySchema<T> extends FormatBounds {
  doc: string;
  format: FormatName | readonly string[];
  default: T;
  env: string;
  arg: string;
  sensitive?: boolean;
  nullable?: boolean;
  /** Shown instead of the default value in help and docs, when the value alone says too little. */
  defaultText?: string;
}
