/**
 * The API error catalogue, as Toxiproxy's `api.go` (`Err… = newError(msg, status)`). Bodies are
 * `{"error":…,"status":…}` and, because Toxiproxy writes them with `http.Error`, go out as
 * `text/plain; charset=utf-8` with a trailing newline.
 */
export class ToxiproxyApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ToxiproxyApiError';
  }

  /** `wrapper: cause`, as Go's `joinError`. */
  static join(cause: string, wrapper: ToxiproxyApiError): ToxiproxyApiError {
    return new ToxiproxyApiError(`${wrapper.message}: ${cause}`, wrapper.status);
  }

  toJSON(): { error: string; status: number } {
    return { error: this.message, status: this.status };
  }
}

export const ApiErrors = {
  BadRequestBody: new ToxiproxyApiError('bad request body', 400),
  MissingField: new ToxiproxyApiError('missing required field', 400),
  ProxyNotFound: new ToxiproxyApiError('proxy not found', 404),
  ProxyAlreadyExists: new ToxiproxyApiError('proxy already exists', 409),
  InvalidStream: new ToxiproxyApiError('stream was invalid, can be either upstream or downstream', 400),
  InvalidToxicType: new ToxiproxyApiError('invalid toxic type', 400),
  ToxicAlreadyExists: new ToxiproxyApiError('toxic already exists', 409),
  ToxicNotFound: new ToxiproxyApiError('toxic not found', 404),
} as const;
