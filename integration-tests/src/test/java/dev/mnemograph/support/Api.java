package dev.mnemograph.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/** A client of the API with one workspace's key, as an agent would use it. */
public final class Api {
  private final WebClient http;
  private final String key;

  /** A client of the test JVM's own service ({@link TestService}). */
  public Api(String key) {
    this(null, key);
  }

  /** A client of another node: {@code http} has its host and port as defaults. */
  public Api(WebClient http, String key) {
    this.http = http;
    this.key = key;
  }

  public static Api newWorkspace(String label) {
    return new Api(TestService.newWorkspace(label).key());
  }

  public String key() {
    return key;
  }

  public HttpRequest<Buffer> request(HttpMethod method, String path) {
    return (http == null ? TestService.http() : http).request(method, "/api/v1" + path).putHeader("Authorization", "Token " + key);
  }

  public HttpResponse<Buffer> get(String path) {
    return request(HttpMethod.GET, path).send().await();
  }

  public HttpResponse<Buffer> post(String path, JsonObject body) {
    return request(HttpMethod.POST, path).sendJsonObject(body).await();
  }

  public HttpResponse<Buffer> post(String path) {
    return request(HttpMethod.POST, path).send().await();
  }

  public HttpResponse<Buffer> patch(String path, JsonObject body) {
    return request(HttpMethod.PATCH, path).sendJsonObject(body).await();
  }

  public HttpResponse<Buffer> delete(String path) {
    return request(HttpMethod.DELETE, path).send().await();
  }

  /** Stores a memory and returns it, failing the test unless the answer is 201. */
  public JsonObject store(JsonObject body) {
    HttpResponse<Buffer> res = post("/memories/store", body);
    if (res.statusCode() != 201) {
      throw new AssertionError("store answered " + res.statusCode() + ": " + res.bodyAsString());
    }
    return res.bodyAsJsonObject();
  }

  public JsonObject store(String title, String narrative) {
    return store(new JsonObject().put("title", title).put("narrative", narrative));
  }

  public JsonArray list(String query) {
    HttpResponse<Buffer> res = get("/memories/" + query);
    if (res.statusCode() != 200) {
      throw new AssertionError("list answered " + res.statusCode() + ": " + res.bodyAsString());
    }
    return res.bodyAsJsonArray();
  }
}
