package dev.mnemograph.api.openapi;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What every handler needs of a request the contract has already validated ({@link RequestValidation}): its
 * body and parameters, typed, with the defaults the handler chooses; and one way to answer with JSON.
 */
public final class Requests {
  private Requests() {
  }

  /** Answers {@code status} with the result (a JSON object, array or JSON text), or fails the request. */
  public static void respond(RoutingContext rc, int status, Future<?> result) {
    result.onSuccess(json -> rc.response().setStatusCode(status)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(json instanceof JsonObject o ? o.encode()
                : json instanceof JsonArray a ? a.encode()
                : (String) json))   // JSON text already
        .onFailure(rc::fail);
  }

  public static <T> JsonArray array(List<T> items, Function<T, JsonObject> toJson) {
    JsonArray out = new JsonArray();
    items.forEach(i -> out.add(toJson.apply(i)));
    return out;
  }

  public static ValidatedRequest validated(RoutingContext rc) {
    return rc.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
  }

  public static JsonObject body(RoutingContext rc) {
    return validated(rc).getBody().getJsonObject();
  }

  public static Map<String, RequestParameter> query(RoutingContext rc) {
    return validated(rc).getQuery();
  }

  public static String pathParameter(RoutingContext rc, String name) {
    return validated(rc).getPathParameters().get(name).getString();
  }

  /** A body's array of strings; empty when absent. */
  public static List<String> strings(JsonObject body, String field) {
    List<String> values = stringsOrNull(body, field);
    return values == null ? List.of() : values;
  }

  /** A body's array of strings; null when absent (a partial update leaves the field as it is). */
  @SuppressWarnings("unchecked")
  public static List<String> stringsOrNull(JsonObject body, String field) {
    JsonArray values = body.getJsonArray(field);
    return values == null ? null : (List<String>) (List<?>) values.getList();
  }

  public static String string(Map<String, RequestParameter> params, String name) {
    RequestParameter p = params.get(name);
    return p == null || p.isNull() ? null : p.getString();
  }

  /** A comma-separated array parameter ({@code style: form, explode: false}); empty when absent. */
  public static List<String> stringArray(Map<String, RequestParameter> params, String name) {
    RequestParameter p = params.get(name);
    return p == null || p.isNull() ? List.of() : p.getJsonArray().stream().map(String::valueOf).toList();
  }

  public static int integer(Map<String, RequestParameter> params, String name, int fallback) {
    RequestParameter p = params.get(name);
    return p == null || p.isNull() ? fallback : p.getInteger();
  }

  public static double decimal(Map<String, RequestParameter> params, String name, double fallback) {
    RequestParameter p = params.get(name);
    return p == null || p.isNull() ? fallback : p.getDouble();
  }

  public static boolean bool(Map<String, RequestParameter> params, String name) {
    RequestParameter p = params.get(name);
    return p != null && !p.isNull() && p.getBoolean();
  }
}
