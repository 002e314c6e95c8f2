import { Controller, Delete, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { create as contentDisposition } from 'content-disposition';
import type { Request, Response } from 'express';
import { CurrentUser } from '#src/common/auth/auth.decorators.js';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { PaginationQueryDto } from '#src/common/pagination/pagination.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import { AttachmentsService } from '#src/modules/attachments/attachments.service.js';
import { AttachmentPageDto, AttachmentResponseDto, UPLOAD_FOR, UploadAttachmentDto, uploadForMessage } from '#src/modules/attachments/dto/attachment.dto.js';
import { MultipartUpload } from '#src/modules/attachments/multipart-upload.js';

/** The download's body: raw bytes, whatever their detected type (errors stay JSON). */
const BINARY = { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } as const;

/** Access follows the parent message, note or ticket (404 otherwise), so no @Roles here. */
@ApiTags('attachments')
@ApiBearerAuth()
@Controller()
export class AttachmentsController {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly uploads: MultipartUpload,
  ) {}

  @Post('messages/:id/attachments')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAttachmentDto })
  @ApiOperation({ summary: 'Attach a file to a message: its author, or an agent (403 for a customer on another author’s message)' })
  @ApiCreatedResponse({ type: AttachmentResponseDto })
  @ApiErrors(400, 401, 403, 404, 409, 413, 415, 422)
  uploadToMessage(
    @CurrentUser() user: AuthUser,
    @IdParam() id: number,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AttachmentResponseDto> {
    return this.attachments.upload(user, { kind: 'message', id }, () => this.uploads.receive(req, res));
  }

  @Post('notes/:id/attachments')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAttachmentDto })
  @ApiOperation({ summary: 'Attach a file to an internal note (agents)' })
  @ApiCreatedResponse({ type: AttachmentResponseDto })
  @ApiErrors(400, 401, 404, 409, 413, 415, 422)
  uploadToNote(
    @CurrentUser() user: AuthUser,
    @IdParam() id: number,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AttachmentResponseDto> {
    return this.attachments.upload(user, { kind: 'note', id }, () => this.uploads.receive(req, res));
  }

  @Post('tickets/:id/attachments')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAttachmentDto })
  @ApiOperation({
    summary: 'Attach a file to the ticket itself, or upload one for a message about to be sent: its client, or an agent (409 once the ticket is closed)',
    description:
      'Without `for`: a file of the ticket, listed with its files and announced (`attachment:new`). With `for=message`: a file for the ' +
      'message the caller sends next, which names it in `attachment_ids` and takes it under itself (then it is announced, with its ' +
      '`message_id`). Until then only its uploader sees it (and may delete it); it is neither listed nor announced, and one no ' +
      'message claims within UPLOAD_PENDING_TTL_MINUTES is removed. At most UPLOAD_MAX_FILES of one user’s wait on a ticket (409).',
  })
  @ApiQuery({ name: 'for', required: false, enum: UPLOAD_FOR, description: 'message: the file is for the caller’s next message on this ticket' })
  @ApiCreatedResponse({ type: AttachmentResponseDto })
  @ApiErrors(400, 401, 404, 409, 413, 415, 422)
  uploadToTicket(
    @CurrentUser() user: AuthUser,
    @IdParam() id: number,
    @Query('for') uploadFor: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AttachmentResponseDto> {
    const forMessage = uploadForMessage(uploadFor);
    return this.attachments.upload(user, { kind: 'ticket', id }, () => this.uploads.receive(req, res), { forMessage });
  }

  @Get('attachments/message/:message_id')
  @ApiOperation({ summary: 'The files of a message, oldest first' })
  @ApiOkResponse({ type: AttachmentPageDto })
  @ApiErrors(401, 404, 422)
  listForMessage(@CurrentUser() user: AuthUser, @IdParam('message_id') id: number, @Query() query: PaginationQueryDto): Promise<AttachmentPageDto> {
    return this.attachments.list(user, { kind: 'message', id }, query);
  }

  @Get('attachments/note/:note_id')
  @ApiOperation({ summary: 'The files of an internal note, oldest first (agents)' })
  @ApiOkResponse({ type: AttachmentPageDto })
  @ApiErrors(401, 404, 422)
  listForNote(@CurrentUser() user: AuthUser, @IdParam('note_id') id: number, @Query() query: PaginationQueryDto): Promise<AttachmentPageDto> {
    return this.attachments.list(user, { kind: 'note', id }, query);
  }

  @Get('attachments/ticket/:ticket_id/messages')
  @ApiOperation({
    summary: 'The files on the messages of a ticket (each with its message_id), oldest first',
    description: 'For showing each file under its message in one request. Files on the ticket itself: GET /attachments/ticket/:ticket_id; on notes: per note.',
  })
  @ApiOkResponse({ type: AttachmentPageDto })
  @ApiErrors(401, 404, 422)
  listOnMessages(@CurrentUser() user: AuthUser, @IdParam('ticket_id') id: number, @Query() query: PaginationQueryDto): Promise<AttachmentPageDto> {
    return this.attachments.listOnMessages(user, id, query);
  }

  @Get('attachments/ticket/:ticket_id')
  @ApiOperation({ summary: 'The files on a ticket itself (not those of its messages), oldest first' })
  @ApiOkResponse({ type: AttachmentPageDto })
  @ApiErrors(401, 404, 422)
  listForTicket(@CurrentUser() user: AuthUser, @IdParam('ticket_id') id: number, @Query() query: PaginationQueryDto): Promise<AttachmentPageDto> {
    return this.attachments.list(user, { kind: 'ticket', id }, query);
  }

  @Delete('attachments/:id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete one file: its uploader or an agent',
    description:
      'The row and the stored bytes. 403 for a customer who may see the file but did not upload it; 404 for one who may not see it. ' +
      'A file uploaded for a message and not yet sent is its uploader’s alone: 404 for everyone else.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(401, 403, 404, 409, 422)
  delete(@CurrentUser() user: AuthUser, @IdParam() id: number): Promise<void> {
    return this.attachments.delete(user, id);
  }

  @Get('attachments/:id/content')
  @ApiOperation({
    summary: 'Download a file',
    description:
      'The stored bytes with their detected type, Content-Length, X-Content-Type-Options: nosniff and an RFC 6266 ' +
      'Content-Disposition (attachment for anything a browser would run). Range requests are answered with 206.',
  })
  @ApiOkResponse({ description: 'The file; Content-Type is the type detected at upload', content: BINARY })
  @ApiResponse({ status: 206, description: 'The requested byte range (Range requests)', content: BINARY })
  @ApiErrors(401, 404, 412, 416, 422)
  async download(@CurrentUser() user: AuthUser, @IdParam() id: number, @Req() req: Request, @Res() res: Response): Promise<void> {
    const file = await this.attachments.download(user, id);
    // RFC 9110 §13.1.1: `If-Match: *` holds for any current representation, and this one exists
    // (a file gone from disk still answers 404 below). Files carry no ETag, so send would refuse it.
    if (req.headers['if-match']?.trim() === '*') delete req.headers['if-match'];
    const headers = {
      'Content-Type': file.contentType.startsWith('text/') ? `${file.contentType}; charset=utf-8` : file.contentType,
      'Content-Disposition': contentDisposition(file.filename, { type: file.inline ? 'inline' : 'attachment' }),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-cache',
    };
    await new Promise<void>((resolve, reject) => {
      res.sendFile(
        file.path,
        {
          headers,
          acceptRanges: true,
          lastModified: false,
          dotfiles: 'allow',
        },
        (error?: NodeJS.ErrnoException & { status?: number }) => {
          // Sent, or the client went away: nothing left to answer.
          if (!error || res.headersSent || error.code === 'ECONNABORTED' || error.code === 'ECONNRESET') return resolve();
          for (const name of Object.keys(headers)) res.removeHeader(name); // the answer is an error body now
          if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return reject(this.attachments.fileMissing(file));
          if (error.status === 416) {
            return reject(new AppError(ErrorCode.RANGE_NOT_SATISFIABLE, 'The requested range lies outside the file', [], { 'Content-Range': `bytes */${file.size}` }));
          }
          if (error.status === 412) return reject(new AppError(ErrorCode.PRECONDITION_FAILED, 'The file does not match the request’s conditions'));
          reject(error);
        },
      );
    });
  }
}
