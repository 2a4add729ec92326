package dev.mnemograph.api.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The tools' names, titles, descriptions, input schemas and annotations, as agents see them in tools/list:
 * {@value #RESOURCE}, beside the HTTP contract, read once when the endpoint is built.
 */
final class ToolDefinitions {
  /** On the classpath (shipped from schema/ by the shared module). */
  static final String RESOURCE = "schema/mcp-tools.yaml";

  private ToolDefinitions() {
  }

  /** The tools in the file's order. */
  static List<Tool> load(McpJsonMapper json) {
    return raw().stream().map(tool -> json.convertValue(tool, Tool.class)).toList();
  }

  /** The file's tools as plain maps and lists, as YAML reads them. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> raw() {
    try (InputStream in = ToolDefinitions.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      Map<String, Object> file = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      return (List<Map<String, Object>>) file.get("tools");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
