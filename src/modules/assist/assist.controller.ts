import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '#src/common/auth/auth.decorators.js';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { errorBody, toAppError } from '#src/common/errors/http-exception.filter.js';
import { type RequestWithId, requestIdOf } from '#src/common/http/request-id.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import { AssistService } from '#src/modules/assist/assist.service.js';
import { sseFrame } from '#src/modules/assist/domain/sse.js';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller()
export class AssistController {
  constructor(private readonly assist: AssistService) {}

  @Get('tickets/:id/ai-response')
  @ApiOperation({
    summary: 'A suggested reply, streamed as Server-Sent Events (the ticket\'s client, agents)',
    description:
      'Events: `token` `{"text": "…"}` (pieces, in order), then `done` `{"source": "llm"|"articles", "articles": [{id, title}]}`, or ' +
      '`error` with the error body (502 the model failed, 504 it did not answer in time). With LLM_BASE_URL a model writes it; ' +
      'without, it is assembled from the best knowledge-base article. Counted per user per hour (AI_REPLIES_PER_HOUR, 429).',
  })
  @ApiOkResponse({ description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiErrors(401, 404, 422, 429)
  async aiResponse(@CurrentUser() user: AuthUser, @IdParam() id: number, @Req() req: RequestWithId, @Res() res: Response): Promise<void> {
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const stream = await this.assist.start(user, id, gone.signal);
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    try {
      for await (const { event, data } of stream) {
        if (gone.signal.aborted) break;
        res.write(sseFrame(event, data));
      }
    } catch (error) {
      if (!gone.signal.aborted) res.write(sseFrame('error', errorBody(toAppError(error), requestIdOf(req))));
    } finally {
      await stream.return(undefined);
      res.end();
    }
  }
}
