import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { HttpExceptionFilter, notFoundHandler } from '#src/common/errors/http-exception.filter.js';
import { refuseOversizedBodies } from '#src/common/http/lingering-close.js';
import { groupingQueryParser } from '#src/common/http/query-parser.js';
import { requestContext, staticHeadersOf } from '#src/common/http/request-context.js';
import { applyServerLimits } from '#src/common/http/server-limits.js';
import { requestLog } from '#src/common/logging/request-log.js';
import { documentRateLimits } from '#src/common/throttling/rate-limit.docs.js';
import { createValidationPipe } from '#src/common/validation/validation.pipe.js';
import { AppConfig } from '#src/config/app-config.js';
import { PlainWebSocketGateway } from '#src/modules/chat/plain-websocket.gateway.js';
import { RealtimeAdapterFactory, RealtimeIoAdapter } from '#src/modules/chat/realtime-adapter.js';
import { MetricsService } from '#src/modules/metrics/metrics.service.js';
import { WebPages } from '#src/modules/web/web-pages.js';

export const API_PREFIX = 'api/v1';
/** Largest JSON or form body, in bytes (1 MB). */
export const BODY_LIMIT = 1024 * 1024;
/** The OpenAPI document's license (package.json's) and contact: a placeholder until the project has a public home. */
export const DOCS_LICENSE = { name: 'MIT', url: 'https://opensource.org/licenses/MIT' };
export const DOCS_CONTACT = { name: 'Support backend maintainers', url: 'https://example.com/support-backend', email: 'maintainers@example.com' };

/**
 * Everything main.ts and the e2e tests both apply to an application: the same middleware order,
 * pipes, filter and docs, so tests drive exactly what production runs. Initialises the app.
 */
export async function configureApp(app: NestExpressApplication): Promise<void> {
  const config = app.get(AppConfig);
  applyServerLimits(app.getHttpServer(), { headersTimeoutSeconds: config.httpHeadersTimeoutSeconds, requestTimeoutSeconds: config.httpRequestTimeoutSeconds });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.trustProxy);
  // node:querystring, with `custom_fields.<key>` gathered into one object (the tickets list's filters).
  app.set('query parser', groupingQueryParser(['custom_fields']));
  app.set('etag', false);
  app.disable('x-powered-by');
  // Request id, helmet's headers (the same for every response, so set from a list made once),
  // metrics and the request log in one middleware: each link in Express's chain costs every request.
  app.use(requestContext(staticHeadersOf(helmet()), [app.get(MetricsService).observe, requestLog]));
  app.enableCors({
    origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'],
  });
  // The agent console, the chat widget and their files (GET only; outside the API and its docs).
  app.use(new WebPages().handler);
  app.use(refuseOversizedBodies(BODY_LIMIT));
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());

  if (config.docsEnabled) {
    const document = documentRateLimits(
      SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle('Support backend')
          .setDescription('Tickets, live chat, e-mail, SLAs and a knowledge base. Errors share one shape: see ErrorResponseDto.')
          .setVersion('1')
          .setLicense(DOCS_LICENSE.name, DOCS_LICENSE.url)
          .setContact(DOCS_CONTACT.name, DOCS_CONTACT.url, DOCS_CONTACT.email)
          .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
          .build(),
      ),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }

  app.useWebSocketAdapter(new RealtimeIoAdapter(app, await app.get(RealtimeAdapterFactory).create(), config.corsOrigins));
  // The plain WebSocket chat (/ws/support) on the same server, beside Socket.IO's /socket.io.
  app.get(PlainWebSocketGateway).attach(app.getHttpServer());

  await app.init();
  // Registered after init, so it follows every route Nest and Swagger added.
  app.use(notFoundHandler);
}
