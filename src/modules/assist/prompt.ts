import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Locale } from '#src/config/app-config.js';
import type { ChatMessage } from '#src/modules/assist/llm.client.js';

/** Beside this file in src/, copied beside the build in dist/ (scripts/copy-assets.mjs). */
const PROMPT_DIR = fileURLToPath(new URL('./prompts/', import.meta.url));

/** What the suggested-reply prompt (prompts/suggest-reply.*.hbs) is filled with. */
export interface ReplyPromptInput {
  ticket: { id: number; title: string; description: string; status: string; priority: string };
  thread: { who: string; text: string }[];
  articles: { title: string; content: string; url: string }[];
}

/** What the categorisation prompt (prompts/categorise.*.hbs) is filled with. */
export interface CategorisePromptInput {
  ticket: { title: string; description: string };
  queues: { id: number; name: string }[];
  categories: string[];
}

/**
 * A prompt from a template file per locale (`prompts/<name>.<locale>.hbs`): the instructions
 * above a `---` line become the system message, the rest (filled with the input) the user
 * message. Read and compiled once, at start-up.
 */
export class PromptTemplate<Input> {
  private readonly system: string;
  private readonly user: Handlebars.TemplateDelegate<Input>;

  constructor(name: 'suggest-reply' | 'categorise', locale: Locale, dir: string = PROMPT_DIR) {
    const source = readFileSync(`${dir}/${name}.${locale}.hbs`, 'utf8').replace(/\r\n/g, '\n');
    const split = source.indexOf('\n---\n');
    if (split < 0) throw new Error(`prompts/${name}.${locale}.hbs must have the instructions, a "---" line, then the ticket`);
    this.system = source.slice(0, split).trim();
    // Plain text for a model: nothing is HTML-escaped.
    this.user = Handlebars.create().compile<Input>(source.slice(split + 5), { noEscape: true, strict: false });
  }

  messages(input: Input): ChatMessage[] {
    return [
      { role: 'system', content: this.system },
      { role: 'user', content: this.user(input).trim() },
    ];
  }
}
