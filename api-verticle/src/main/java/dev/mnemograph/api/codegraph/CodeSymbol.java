package dev.mnemograph.api.codegraph;

import io.vertx.core.json.JsonObject;

/** One symbol of a parsed file, as kept: its file and qualified name are its key in the workspace. */
record CodeSymbol(String filePath, String qualifiedName, String name, String symbolType, String language,
                  Integer lineStart, Integer lineEnd) {
  static final int MAX_TEXT = 1_000;

  /** The symbol of a parser's item, or null when it names no file or no symbol (or names them oddly). */
  static CodeSymbol of(Object item) {
    if (!(item instanceof JsonObject o)) {
      return null;
    }
    String file = text(o, "file_path") != null ? text(o, "file_path") : text(o, "file");
    String qualified = text(o, "qualified_name") != null ? text(o, "qualified_name") : text(o, "name");
    if (file == null || qualified == null) {
      return null;
    }
    String name = text(o, "name") != null ? text(o, "name") : qualified;
    return new CodeSymbol(file, qualified, name, text(o, "symbol_type"), text(o, "language"), line(o, "line_start"),
        line(o, "line_end"));
  }

  /** A non-blank string of at most {@value #MAX_TEXT} characters (NUL made U+FFFD), else null. */
  private static String text(JsonObject o, String field) {
    Object v = o.getValue(field);
    return v instanceof String s && !s.isBlank() && s.length() <= MAX_TEXT ? s.replace('\0', '\uFFFD') : null;
  }

  private static Integer line(JsonObject o, String field) {
    Object v = o.getValue(field);
    return v instanceof Number n && n.longValue() >= 0 && n.longValue() <= Integer.MAX_VALUE ? n.intValue() : null;
  }
}
