import OpenAI from 'openai';

/** Where the model is: an OpenAI-compatible chat-completions API (Groq, OpenAI, a local server). */
export interface LlmSettings {
  baseUrl: string;
  apiKey: string | null;
  model: string;
  /** Longest wait for the answer to start, and between two pieces of it. */
  timeoutMs: number;
}

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
}

/** Why a stream ended early. */
export class LlmError extends Error {
  constructor(
    readonly kind: 'timeout' | 'upstream' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Streams a chat completion through the `openai` package (any base URL): the text as it comes, and
 * the token counts at the end. The request is aborted when `signal` fires (the caller went away)
 * or when nothing arrives for `timeoutMs`; retries are off (a retry would bill twice and keep the
 * caller waiting).
 */
export class LlmClient {
  private readonly client: OpenAI;

  constructor(private readonly settings: LlmSettings) {
    this.client = new OpenAI({ baseURL: settings.baseUrl, apiKey: settings.apiKey ?? 'not-needed', maxRetries: 0, timeout: settings.timeoutMs });
  }

  async *stream(messages: ChatMessage[], signal: AbortSignal, usage: (counts: LlmUsage) => void): AsyncGenerator<string> {
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.settings.timeoutMs);
    };
    arm();
    try {
      const stream = await this.client.chat.completions.create(
        { model: this.settings.model, messages, stream: true, stream_options: { include_usage: true } },
        { signal: controller.signal },
      );
      for await (const chunk of stream) {
        arm();
        const text = chunk.choices[0]?.delta?.content;
        if (text) yield text;
        if (chunk.usage) usage({ promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens });
      }
    } catch (error) {
      if (timedOut) throw new LlmError('timeout', `The language model did not answer within ${this.settings.timeoutMs} ms`);
      if (signal.aborted) throw new LlmError('aborted', 'The caller went away');
      const status = error instanceof OpenAI.APIError && error.status ? ` (HTTP ${error.status})` : '';
      throw new LlmError('upstream', `The language model failed${status}`);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      controller.abort(); // a generator left early (the caller stopped reading) closes the request
    }
  }
}
