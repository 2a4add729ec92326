package dev.mnemograph.support;

import dev.mnemograph.api.openapi.Operations;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;

import java.util.ArrayList;
import java.util.List;

/**
 * The operations of the OpenAPI contract as the tests that are generated from it need them: method, full path,
 * parameters and body schema with their {@code $ref}s resolved, documented statuses.
 */
public final class ContractOperations {
  private static final List<String> METHODS = List.of("get", "post", "patch", "put", "delete");

  private final JsonObject contract;

  private ContractOperations(JsonObject contract) {
    this.contract = contract;
  }

  public static ContractOperations load(Vertx vertx) {
    return new ContractOperations(OpenAPIContract.from(vertx, Operations.CONTRACT).await().getRawContract());
  }

  /** One operation; {@code path} includes the base path, {@code bodySchema} is null for an operation without a body. */
  public record Operation(String id, HttpMethod method, String path, List<JsonObject> parameters,
                          JsonObject bodySchema, List<Integer> statuses) {
    public List<JsonObject> parameters(String in) {
      return parameters.stream().filter(p -> in.equals(p.getString("in"))).toList();
    }
  }

  /** Every operation, in the contract's order. */
  public List<Operation> operations() {
    List<Operation> out = new ArrayList<>();
    JsonObject paths = contract.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      if (!path.startsWith("/")) {
        continue;
      }
      JsonObject item = paths.getJsonObject(path);
      List<JsonObject> shared = parameters(item.getJsonArray("parameters"));
      for (String method : item.fieldNames()) {
        if (!METHODS.contains(method)) {
          continue;
        }
        JsonObject op = item.getJsonObject(method);
        List<JsonObject> params = new ArrayList<>(shared);
        params.addAll(parameters(op.getJsonArray("parameters")));
        JsonObject body = op.getJsonObject("requestBody") == null ? null : resolve(op.getJsonObject("requestBody")
            .getJsonObject("content").getJsonObject("application/json").getJsonObject("schema"));
        List<Integer> statuses = new ArrayList<>();
        op.getJsonObject("responses").fieldNames().stream().filter(s -> s.matches("\\d{3}"))
            .forEach(s -> statuses.add(Integer.parseInt(s)));
        out.add(new Operation(op.getString("operationId"), HttpMethod.valueOf(method.toUpperCase()),
            Operations.BASE_PATH + path, params, body, statuses));
      }
    }
    return out;
  }

  /** A schema or parameter with its {@code $ref} (a local one, as all of the contract's are) followed. */
  public JsonObject resolve(JsonObject node) {
    String ref = node.getString("$ref");
    if (ref == null) {
      return node;
    }
    JsonObject target = contract;
    for (String part : ref.substring(ref.indexOf('#') + 2).split("/")) {
      target = target.getJsonObject(part);
    }
    return resolve(target);
  }

  private List<JsonObject> parameters(JsonArray raw) {
    List<JsonObject> out = new ArrayList<>();
    if (raw != null) {
      raw.forEach(p -> out.add(resolve((JsonObject) p)));
    }
    return out;
  }
}
