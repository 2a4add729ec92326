package dev.mnemograph.api.openapi;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;

import java.util.HashMap;
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
 *   <li>Query parameters are URL-decoded once, by Vert.x: {@code ?memory_type=100%25} is the value {@code 100%}.
 *       vertx-openapi 5.0.7's {@link RequestUtils#extract} decodes them a second time, which turned every
 *       {@code %25} into a 500 (or {@code %252D} into a dash). A query string that cannot be decoded even
 *       once ({@code ?memory_type=%}) never gets here: ApiRouter answers it 422 before any route.</li>
 * </ul>
 *
 * <p>The contract's operations take path and query parameters and string headers (Idempotency-Key; the key
 * is the security scheme's header); any other parameter is refused when the router is built rather than
 * left unvalidated.
 */
public final class RequestValidation {
  /** Bodies up to this size are validated on the event loop. */
  static final int INLINE_BODY_BYTES = 16 * 1024;

  private final Vertx vertx;
  private final RequestValidatorImpl validator;

  public RequestValidation(Vertx vertx, OpenAPIContract contract) {
    this.vertx = vertx;
    this.validator = new RequestValidatorImpl(vertx, contract);
    for (Operation operation : contract.operations()) {
      for (Parameter p : operation.getParameters()) {
        boolean readable = p.getIn() == Location.PATH
            || p.getIn() == Location.HEADER && p.getSchemaType() == SchemaType.STRING
            || p.getIn() == Location.QUERY
            && (p.getSchemaType() != SchemaType.OBJECT && (p.getSchemaType() != SchemaType.ARRAY || !p.isExplode()));
        if (!readable) {
          throw new IllegalStateException("The contract's operation '" + operation.getOperationId() + "' has the "
              + p.getIn() + " parameter '" + p.getName() + "'; RequestValidation reads path parameters, string "
              + "headers and query parameters of one value or a comma-separated array only");
        }
      }
    }
  }

  /** The validation handler of one operation: goes before the operation's own handler. */
  public Handler<RoutingContext> handler(Operation operation) {
    return rc -> {
      Buffer body = rc.body().buffer();
      ValidatableRequest request = extract(rc, operation, body);   // the query decodes: ApiRouter checked it
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

  /**
   * What {@link RequestUtils#extract} does for path and query parameters, with each value as the router
   * decoded it (once); a comma-separated array stays one string, which the validator splits.
   */
  private static ValidatableRequest extract(RoutingContext rc, Operation operation, Buffer body) {
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter p : operation.getParameters()) {
      if (p.getIn() == Location.PATH) {
        path.put(p.getName(), new RequestParameterImpl(rc.pathParam(p.getName())));
      } else if (p.getIn() == Location.HEADER) {
        headers.put(p.getName(), new RequestParameterImpl(rc.request().getHeader(p.getName())));
      } else {
        query.put(p.getName(), new RequestParameterImpl(rc.request().params().get(p.getName())));
      }
    }
    if (operation.getRequestBody() == null) {
      return new ValidatableRequestImpl(Map.of(), headers, path, query);
    }
    return new ValidatableRequestImpl(Map.of(), headers, path, query, new RequestParameterImpl(body),
        rc.request().getHeader(HttpHeaders.CONTENT_TYPE));
  }

  /** What RequestValidatorImpl#validate does, but on the calling thread. */
  private ValidatedRequest validate(Operation operation, ValidatableRequest request) {
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter p : operation.getParameters()) {
      if (p.getIn() == Location.PATH) {
        path.put(p.getName(), validator.validateParameter(p, request.getPathParameters().get(p.getName())));
      } else if (p.getIn() == Location.HEADER) {
        headers.put(p.getName(), validator.validateParameter(p, request.getHeaders().get(p.getName())));
      } else {
        query.put(p.getName(), validator.validateParameter(p, request.getQuery().get(p.getName())));
      }
    }
    RequestParameter body = validator.validateBody(operation.getRequestBody(), request);
    return new ValidatedRequestImpl(Map.of(), headers, path, query, body);
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
