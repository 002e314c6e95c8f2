/** Stable, machine-readable error codes: the `error` field of every error body. */
export enum ErrorCode {
  VALIDATION_FAILED = 'validation_failed',
  BAD_REQUEST = 'bad_request',
  MALFORMED_JSON = 'malformed_json',
  UNAUTHORIZED = 'unauthorized',
  FORBIDDEN = 'forbidden',
  NOT_FOUND = 'not_found',
  CONFLICT = 'conflict',
  PAYLOAD_TOO_LARGE = 'payload_too_large',
  PRECONDITION_FAILED = 'precondition_failed',
  UNSUPPORTED_MEDIA_TYPE = 'unsupported_media_type',
  RANGE_NOT_SATISFIABLE = 'range_not_satisfiable',
  RATE_LIMITED = 'rate_limited',
  SERVICE_UNAVAILABLE = 'service_unavailable',
  /** An upstream service (the language model) failed. */
  BAD_GATEWAY = 'bad_gateway',
  /** An upstream service (the language model) did not answer in time. */
  GATEWAY_TIMEOUT = 'gateway_timeout',
  INTERNAL = 'internal_error',
}

export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.VALIDATION_FAILED]: 422,
  [ErrorCode.BAD_REQUEST]: 400,
  [ErrorCode.MALFORMED_JSON]: 400,
  [ErrorCode.UNAUTHORIZED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.PRECONDITION_FAILED]: 412,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCode.RANGE_NOT_SATISFIABLE]: 416,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
  [ErrorCode.BAD_GATEWAY]: 502,
  [ErrorCode.GATEWAY_TIMEOUT]: 504,
  [ErrorCode.INTERNAL]: 500,
};
