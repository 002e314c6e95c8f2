import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Locale } from '#src/config/app-config.js';
import type { ChatMessage } from '#src/modules/assist/llm.client.js';

/** Beside this file in src/, copied beside the build in dist/ (scripts/copy-assets.mjs). */
const PROMPT_DIR = fileURLToPath(new URL('./prompts/', import.meta.url));

export interface PromptInput {
  ticket: { id: number; title: string; description: string; status: string; priority: string };
  thread: { who: string; text: string }[];
  articles: { title: string; content: string; url: string }[];
}

/**
 * The suggested-reply prompt, from a template file per locale (`prompts/suggest-reply.<locale>.hbs`):
 * the instructions above a `---` line become the system message, the rest (ticket, thread,
 * articles) the user message. Read and compiled once, at start-up.
 */
export class SuggestReplyPrompt {
  private readonly system: string;
  private readonly user: Handlebars.TemplateDelegate<PromptInput>;

  constructor(locale: Locale, dir: string = PROMPT_DIR) {
    const source = readFileSync(`${dir}/suggest-reply.${locale}.hbs`, 'utf8').replace(/\r\n/g, '\n');
    const split = source.indexOf('\n---\n');
    if (split < 0) throw new Error(`prompts/suggest-reply.${locale}.hbs must have the instructions, a "---" line, then the ticket`);
    this.system = source.slice(0, split).trim();
    // Plain text for a model: nothing is HTML-escaped.
    this.user = Handlebars.create().compile<PromptInput>(source.slice(split + 5), { noEscape: true, strict: false });
  }

  messages(input: PromptInput): ChatMessage[] {
    return [
      { role: 'system', content: this.system },
      { role: 'user', content: this.user(input).trim() },
    ];
  }
}
