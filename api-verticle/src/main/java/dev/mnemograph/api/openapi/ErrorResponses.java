package dev.mnemograph.api.openapi;

import dev.mnemograph.api.auth.TokenAuth;
import dev.mnemograph.db.DatabaseUnavailable;
import dev.mnemograph.error.ConflictException;
import dev.mnemograph.error.InvalidRequestException;
import dev.mnemograph.error.NotFoundException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every error the API answers, in one shape: {@code {"detail": "<message>"}}, or for a request that fails
 * validation 422 with {@code {"detail": [{"loc": [...], "msg": "...", "type": "..."}]}}, one entry per bad
 * field (FastAPI's shape, which Neuroloom clients already parse). Installed on the root router, where
 * vertx-web 5.0.7 delivers failures raised inside the OpenAPI sub-router.
 */
public final class ErrorResponses {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
  /** character_not_in_repertoire (a NUL in text), untranslatable_character. */
  private static final Set<String> TEXT_POSTGRES_REFUSES = Set.of("22021", "22P05");
  private static final Pattern PARAMETER = Pattern.compile("(query|path|header|cookie) parameter (\\S+?)[ .]");
  /** Output units that only say "a subschema failed"; their children carry the real reasons. */
  private static final Set<String> WRAPPER_KEYWORDS = Set.of("properties", "items", "$ref", "allOf", "anyOf",
      "oneOf", "additionalProperties-child", "prefixItems");

  private ErrorResponses() {
  }

  public static void install(Router root) {
    for (int status : new int[] {400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503}) {
      root.errorHandler(status, ErrorResponses::write);
    }
  }

  static void write(RoutingContext rc) {
    Throwable failure = rc.failure();
    if (rc.response().ended()) {
      return;
    }
    TokenAuth.RateLimited limited = TokenAuth.RateLimited.in(failure);
    if (failure != null && DatabaseUnavailable.is(failure)) {
      // a key that cannot be checked, or any statement without a connection: never a 401, never a 500
      LOG.warn("{} {}: the database is unavailable ({})", rc.request().method(), rc.normalizedPath(), failure.toString());
      rc.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
      send(rc, 503, DatabaseUnavailable.UNREACHABLE);
    } else if (failure != null && DatabaseUnavailable.timedOut(failure)) {
      LOG.warn("{} {}: a statement ran past the statement timeout", rc.request().method(), rc.normalizedPath());
      rc.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
      send(rc, 503, DatabaseUnavailable.TIMED_OUT);
    } else if (limited != null) {
      rc.response().putHeader(HttpHeaders.RETRY_AFTER, limited.retryAfter());
      send(rc, 429, limited.detail());
    } else if (failure instanceof HttpException he && he.getCause() instanceof ValidatorException ve) {
      validationFailure(rc, ve);
    } else if (failure instanceof NotFoundException nf) {
      send(rc, 404, nf.getMessage());
    } else if (failure instanceof InvalidRequestException invalid) {
      sendValidation(rc, new JsonArray().add(new JsonObject().put("loc", new JsonArray(invalid.loc()))
          .put("msg", invalid.getMessage()).put("type", invalid.type())));
    } else if (failure instanceof PgException pg && TEXT_POSTGRES_REFUSES.contains(pg.getSqlState())) {
      // PostgreSQL's text cannot hold U+0000; the statement failed, so nothing was written
      sendValidation(rc, new JsonArray().add(new JsonObject().put("loc", new JsonArray().add("request"))
          .put("msg", "Text may not contain the NUL character (\\u0000).").put("type", "value_error")));
    } else if (failure instanceof ConflictException conflict) {
      send(rc, 409, conflict.getMessage());
    } else if (failure instanceof HttpException he) {
      send(rc, he.getStatusCode(), message(rc, he));
    } else if (failure == null) {
      int status = rc.statusCode() > 0 ? rc.statusCode() : 500;
      send(rc, status, status == 413 ? tooLarge(rc) : HttpResponseStatus.valueOf(status).reasonPhrase());
    } else {
      LOG.error("{} {} failed", rc.request().method(), rc.normalizedPath(), failure);
      send(rc, 500, "Internal server error.");
    }
  }

  private static String message(RoutingContext rc, HttpException he) {
    return switch (he.getStatusCode()) {
      case 401 -> authenticationMessage(he);
      case 413 -> tooLarge(rc);
      default -> he.getPayload() != null ? he.getPayload()
          : HttpResponseStatus.valueOf(he.getStatusCode()).reasonPhrase();
    };
  }

  /**
   * vertx-web's APIKeyHandler wraps a failed key check in a payload-less {@code HttpException(401)}, so
   * the reason TokenAuth gave (unknown or revoked key, wrong scheme) is in the cause; with none, no key was sent.
   */
  private static String authenticationMessage(HttpException he) {
    for (Throwable t = he; t != null; t = t.getCause()) {
      if (t instanceof HttpException reason && reason.getPayload() != null) {
        return reason.getPayload();
      }
    }
    return "Authentication credentials were not provided: send 'Authorization: Token <api-key>'.";
  }

  private static String tooLarge(RoutingContext rc) {
    return "Request body is larger than the limit of " + Operations.bodyLimit(rc.request()) + " bytes.";
  }

  private static void validationFailure(RoutingContext rc, ValidatorException ve) {
    if (ve.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
      send(rc, 415, "Unsupported content type: send 'Content-Type: application/json'.");
      return;
    }
    JsonArray detail = new JsonArray();
    String message = ve.getMessage() == null ? "" : ve.getMessage();
    Matcher param = PARAMETER.matcher(message);
    List<Object> base = param.find() ? List.of(param.group(1), param.group(2)) : List.of("body");
    if (ve instanceof SchemaValidationException sve) {
      List<JsonObject> entries = leaves(sve.getOutputUnit()).stream().map(u -> entry(base, u)).toList();
      // The validator also reports a declared property that failed its own schema under
      // additionalProperties; only the real reason is worth showing for it.
      Set<Object> explained = new HashSet<>();
      entries.stream().filter(e -> !"extra_forbidden".equals(e.getString("type")))
          .forEach(e -> explained.add(e.getJsonArray("loc")));
      entries.stream().filter(e -> !"extra_forbidden".equals(e.getString("type"))
              || !explained.contains(e.getJsonArray("loc")))
          .forEach(detail::add);
    }
    if (detail.isEmpty()) {
      String type = switch (ve.type()) {
        case MISSING_REQUIRED_PARAMETER -> "missing";
        case ILLEGAL_VALUE -> "json_invalid";
        default -> "value_error";
      };
      String msg = message.contains("required body") ? "A JSON request body is required."
          : ve.type() == ValidatorErrorType.ILLEGAL_VALUE ? "The request body is not valid JSON." : message;
      detail.add(new JsonObject().put("loc", new JsonArray(base)).put("msg", msg).put("type", type));
    }
    sendValidation(rc, detail);
  }

  private static void sendValidation(RoutingContext rc, JsonArray detail) {
    rc.response().setStatusCode(422).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("detail", detail).encode());
  }

  private static List<OutputUnit> leaves(OutputUnit unit) {
    List<OutputUnit> out = new ArrayList<>();
    collect(unit, out);
    return out;
  }

  private static void collect(OutputUnit unit, List<OutputUnit> out) {
    List<OutputUnit> children = unit.getErrors();
    if (children != null && !children.isEmpty()) {
      children.forEach(c -> collect(c, out));
    } else if (unit.getError() != null && !WRAPPER_KEYWORDS.contains(keyword(unit))) {
      out.add(unit);
    }
  }

  private static JsonObject entry(List<Object> base, OutputUnit unit) {
    JsonArray loc = new JsonArray(new ArrayList<>(base));
    String keyword = keyword(unit);
    String instance = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation();
    for (String segment : instance.replaceFirst("^#?/?", "").split("/")) {
      if (!segment.isEmpty()) {
        loc.add(segment.chars().allMatch(Character::isDigit) ? Integer.valueOf(segment) : segment);
      }
    }
    String msg = unit.getError();
    if ("additionalProperties".equals(keyword) || "unevaluatedProperties".equals(keyword)) {
      Matcher extra = Pattern.compile("'([^']+)'").matcher(msg);
      if (extra.find() && !loc.contains(extra.group(1))) {
        loc.add(extra.group(1));
      }
      String field = loc.getValue(loc.size() - 1).toString();
      msg = ("memory_id".equals(field) || "workspace_id".equals(field))
          ? field + " is immutable and cannot be changed."
          : "Extra field '" + field + "' is not permitted.";
    } else if ("required".equals(keyword)) {
      Matcher missing = Pattern.compile("(?:property|properties)\\W+([\\w-]+)").matcher(msg);
      if (missing.find()) {
        loc.add(missing.group(1));
      }
      msg = "Field required.";
    }
    return new JsonObject().put("loc", loc).put("msg", msg).put("type", type(keyword));
  }

  private static String keyword(OutputUnit unit) {
    String location = unit.getKeywordLocation() == null ? "" : unit.getKeywordLocation();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /** Pydantic's error types, which clients of the Neuroloom API already know. */
  private static String type(String keyword) {
    return switch (keyword) {
      case "maxLength" -> "string_too_long";
      case "minLength" -> "string_too_short";
      case "minimum", "exclusiveMinimum" -> "greater_than_equal";
      case "maximum", "exclusiveMaximum" -> "less_than_equal";
      case "maxItems" -> "too_long";
      case "minItems" -> "too_short";
      case "required" -> "missing";
      case "additionalProperties", "unevaluatedProperties" -> "extra_forbidden";
      case "enum", "const" -> "enum";
      case "type" -> "type_error";
      case "pattern" -> "string_pattern_mismatch";
      default -> "value_error";
    };
  }

  static void send(RoutingContext rc, int status, String detail) {
    rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("detail", detail).encode());
  }
}
