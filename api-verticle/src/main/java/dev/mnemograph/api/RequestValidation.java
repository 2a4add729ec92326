package dev.mnemograph.api;

import dev.mnemograph.error.InvalidRequestException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a request against its operation in the contract, as vertx-web-openapi-router's own validation
 * handler does (same validator, same result under {@link RouterBuilder#KEY_META_DATA_VALIDATED_REQUEST}, same
 * {@code HttpException(400)} around a {@link ValidatorException}), with two differences:
 *
 * <ul>
 *   <li>A request whose body is at most {@link #INLINE_BODY_BYTES} is validated on its event loop. vertx-openapi
 *       5.0.7 always validates on the worker pool, in order per event loop: two thread hand-offs per request,
 *       and the event loop's requests validated one at a time. Small requests (every GET, a usual store) take
 *       tens of microseconds to validate; larger bodies (up to the 256 KiB limit) still go to a worker.</li>
 *   <li>A query string that cannot be decoded ({@code ?memory_type=%}, or {@code %25}, which vertx-openapi 5.0
 *       decodes a second time) is a 422, not the 500 its synchronous exception used to become.</li>
 * </ul>
 */
final class RequestValidation {
  /** Bodies up to this size are validated on the event loop. */
  static final int INLINE_BODY_BYTES = 16 * 1024;

  private final Vertx vertx;
  private final RequestValidatorImpl validator;

  RequestValidation(Vertx vertx, OpenAPIContract contract) {
    this.vertx = vertx;
    this.validator = new RequestValidatorImpl(vertx, contract);
  }

  /** The validation handler of one operation: goes before the operation's own handler. */
  Handler<RoutingContext> handler(Operation operation) {
    return rc -> {
      Buffer body = rc.body().buffer();
      ValidatableRequest request;
      try {
        // the body was read by the root BodyHandler, so this completes at once
        request = RequestUtils.extract(rc.request(), operation, () -> Future.succeededFuture(body)).result();
      } catch (ValidatorException | IllegalArgumentException undecodable) {
        rc.fail(new InvalidRequestException(List.of("query"), "The query string cannot be decoded ("
            + undecodable.getMessage() + "); a '%' must start an escape such as %25.", "value_error"));
        return;
      }
      if (body != null && body.length() > INLINE_BODY_BYTES) {
        vertx.executeBlocking(() -> validate(operation, request), false).onComplete(r -> proceed(rc, r));
      } else {
        Future<ValidatedRequest> validated;
        try {
          validated = Future.succeededFuture(validate(operation, request));
        } catch (RuntimeException e) {
          validated = Future.failedFuture(e);
        }
        proceed(rc, validated);
      }
    };
  }

  /** What RequestValidatorImpl#validate does, but on the calling thread. */
  private ValidatedRequest validate(Operation operation, ValidatableRequest request) {
    Map<String, RequestParameter> cookies = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter p : operation.getParameters()) {
      switch (p.getIn()) {
        case COOKIE -> cookies.put(p.getName(), validator.validateParameter(p, request.getCookies().get(p.getName())));
        case HEADER -> headers.put(p.getName(), validator.validateParameter(p, request.getHeaders().get(p.getName())));
        case PATH -> path.put(p.getName(),
            validator.validateParameter(p, request.getPathParameters().get(p.getName())));
        case QUERY -> query.put(p.getName(), validator.validateParameter(p, request.getQuery().get(p.getName())));
      }
    }
    RequestParameter body = validator.validateBody(operation.getRequestBody(), request);
    return new ValidatedRequestImpl(cookies, headers, path, query, body);
  }

  private static void proceed(RoutingContext rc, AsyncResult<ValidatedRequest> validated) {
    if (validated.succeeded()) {
      rc.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated.result());
      rc.next();
    } else if (validated.cause() instanceof ValidatorException e) {
      rc.fail(new HttpException(400, e.getMessage(), e));
    } else {
      rc.fail(validated.cause());
    }
  }
}
