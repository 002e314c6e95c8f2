import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { AppConfig } from '#src/config/app-config.js';
import { type ChatMessage, LlmClient, LlmError } from '#src/modules/assist/llm.client.js';
import { MetricsService } from '#src/modules/metrics/metrics.service.js';

/**
 * The configured language model (LLM_BASE_URL), or none: one client and one token count for every
 * feature that asks it something (suggested replies, suggested categories).
 */
@Injectable()
export class LlmService {
  private readonly client: LlmClient | null;
  private readonly tokens: Counter<'kind'>;

  constructor(config: AppConfig, metrics: MetricsService) {
    const { baseUrl, apiKey, model, timeoutSeconds } = config.llm;
    this.client = baseUrl ? new LlmClient({ baseUrl, apiKey, model, timeoutMs: timeoutSeconds * 1000 }) : null;
    this.tokens = new Counter({ name: 'llm_tokens_total', help: 'Language-model tokens used, by kind (prompt, completion)', labelNames: ['kind'] as const, registers: [metrics.registry] });
  }

  get enabled(): boolean {
    return this.client !== null;
  }

  /** The answer as it comes (see LlmClient.stream); throws LlmError. Only when `enabled`. */
  stream(messages: ChatMessage[], signal: AbortSignal): AsyncGenerator<string> {
    if (!this.client) throw new LlmError('upstream', 'No language model is configured');
    return this.client.stream(messages, signal, ({ promptTokens, completionTokens }) => {
      this.tokens.inc({ kind: 'prompt' }, promptTokens);
      this.tokens.inc({ kind: 'completion' }, completionTokens);
    });
  }

  /** The whole answer, given up (LlmError 'timeout') when it is not complete within `timeoutMs`. */
  async complete(messages: ChatMessage[], timeoutMs: number): Promise<string> {
    const signal = AbortSignal.timeout(timeoutMs);
    let text = '';
    try {
      for await (const piece of this.stream(messages, signal)) text += piece;
    } catch (error) {
      if (error instanceof LlmError && error.kind === 'aborted' && signal.aborted) throw new LlmError('timeout', `The language model did not finish within ${timeoutMs} ms`);
      throw error;
    }
    return text;
  }
}
