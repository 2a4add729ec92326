package dev.mnemograph.support;

import dev.mnemograph.api.openapi.Operations;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every answer of an operation of the contract, checked against the contract as it arrives at a test's client:
 * a documented status, and a body and headers of that status's schema. A response that does not validate fails
 * the request with an {@link AssertionError} that names the operation and what is wrong, so that the test that
 * made it fails. Answers outside the contract (/health, /metrics, /mcp, the web UI) pass unchecked.
 */
public final class ContractResponses {
  private static final String BASE = "/api/v1";
  private static final AtomicLong VALIDATED = new AtomicLong();

  private ContractResponses() {
  }

  /** Adds the check to the client (its own instance: WebClient.wrap shares nothing else) and answers it. */
  public static WebClient validating(Vertx vertx, WebClient client) {
    OpenAPIContract contract = OpenAPIContract.from(vertx, Operations.CONTRACT).await();
    ResponseValidator validator = ResponseValidator.create(vertx, contract);
    ((WebClientInternal) client).addInterceptor(ctx -> check(contract, validator, ctx));
    return client;
  }

  /** How many answers were checked in this JVM (the suite's report says it). */
  public static long validated() {
    return VALIDATED.get();
  }

  private static void check(OpenAPIContract contract, ResponseValidator validator, HttpContext<?> ctx) {
    if (ctx.phase() != ClientPhase.DISPATCH_RESPONSE) {
      ctx.next();
      return;
    }
    String uri = ctx.request().uri();
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    // the contract's paths are absolute, its server's base path (/api/v1) included
    Operation operation = path.startsWith(BASE + "/") ? contract.findOperation(path, ctx.request().method()) : null;
    if (operation == null) {
      ctx.next();
      return;
    }
    HttpResponse<?> res = ctx.response();
    Map<String, String> headers = new HashMap<>();
    res.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
    Buffer body = res.bodyAsBuffer();
    String contentType = res.getHeader("Content-Type");
    ValidatableResponse answer = body == null || body.length() == 0
        ? ValidatableResponse.create(res.statusCode(), headers)
        : ValidatableResponse.create(res.statusCode(), headers, body, contentType);
    validator.validate(answer, operation.getOperationId()).onComplete(ar -> {
      if (ar.succeeded()) {
        VALIDATED.incrementAndGet();
        ctx.next();
      } else {
        String text = body == null ? "" : body.toString();
        ctx.fail(new AssertionError(ctx.request().method() + " " + uri + " (" + operation.getOperationId()
            + ") answered " + res.statusCode() + " outside the contract: " + ar.cause().getMessage() + "; body: "
            + text.substring(0, Math.min(500, text.length())), ar.cause()));
      }
    });
  }
}
