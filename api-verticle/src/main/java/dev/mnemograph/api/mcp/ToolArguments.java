package dev.mnemograph.api.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One tool call's arguments, read with their defaults. The SDK has already checked them against the tool's
 * input schema; these checks repeat the bounds so that a handler never works on a value the schema would
 * have refused, and say what is wrong in words an agent can act on.
 */
final class ToolArguments {
  private final Map<String, Object> args;

  ToolArguments(Map<String, Object> args) {
    this.args = args == null ? Map.of() : args;
  }

  String requiredString(String name, int maxLength) {
    String value = optionalString(name).filter(s -> !s.isBlank())
        .orElseThrow(() -> new Invalid("'" + name + "' is required and must be a non-empty string."));
    if (value.length() > maxLength) {
      throw new Invalid("'" + name + "' must be at most " + maxLength + " characters (got " + value.length() + ").");
    }
    return value;
  }

  /** An optional string of at most {@code maxLength} characters. */
  Optional<String> optionalString(String name, int maxLength) {
    Optional<String> value = optionalString(name);
    value.ifPresent(v -> {
      if (v.length() > maxLength) {
        throw new Invalid("'" + name + "' must be at most " + maxLength + " characters (got " + v.length() + ").");
      }
    });
    return value;
  }

  /** An optional string that must be one of {@code allowed}. */
  Optional<String> oneOf(String name, List<String> allowed) {
    Optional<String> value = optionalString(name);
    value.ifPresent(v -> {
      if (!allowed.contains(v)) {
        throw new Invalid("'" + name + "' must be one of " + String.join(", ", allowed) + " (got '" + v + "').");
      }
    });
    return value;
  }

  /** A list of strings, each one of {@code allowed}; absent is empty. */
  List<String> oneOfEach(String name, List<String> allowed) {
    List<String> values = strings(name);
    for (String v : values) {
      if (!allowed.contains(v)) {
        throw new Invalid("'" + name + "' may contain only " + String.join(", ", allowed) + " (got '" + v + "').");
      }
    }
    return values;
  }

  Optional<String> optionalString(String name) {
    Object v = args.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw new Invalid("'" + name + "' must be a string.");
    }
    return Optional.of(s);
  }

  int integer(String name, int fallback, int min, int max) {
    Object v = args.get(name);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() < min || n.doubleValue() > max) {
      throw new Invalid("'" + name + "' must be an integer from " + min + " to " + max + " (got " + v + ").");
    }
    return n.intValue();
  }

  double number(String name, double fallback, double min, double max) {
    return optionalNumber(name, min, max).orElse(fallback);
  }

  Optional<Double> optionalNumber(String name, double min, double max) {
    Object v = args.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Number n) || n.doubleValue() < min || n.doubleValue() > max) {
      throw new Invalid("'" + name + "' must be a number from " + min + " to " + max + " (got " + v + ").");
    }
    return Optional.of(n.doubleValue());
  }

  boolean bool(String name, boolean fallback) {
    Object v = args.get(name);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Boolean b)) {
      throw new Invalid("'" + name + "' must be true or false.");
    }
    return b;
  }

  boolean requiredBool(String name) {
    if (args.get(name) == null) {
      throw new Invalid("'" + name + "' is required: true or false.");
    }
    return bool(name, false);
  }

  /** A list of strings; absent is empty. */
  List<String> strings(String name) {
    Object v = args.get(name);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw new Invalid("'" + name + "' must be an array of strings.");
    }
    List<String> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof String s)) {
        throw new Invalid("'" + name + "' must contain strings only.");
      }
      out.add(s);
    }
    return out;
  }

  /** A list of at most {@code maxItems} strings of at most {@code maxLength} characters each; absent is empty. */
  List<String> strings(String name, int maxItems, int maxLength) {
    List<String> values = strings(name);
    if (values.size() > maxItems) {
      throw new Invalid("'" + name + "' may have at most " + maxItems + " items (got " + values.size() + ").");
    }
    for (String v : values) {
      if (v.length() > maxLength) {
        throw new Invalid("Each of '" + name + "' must be at most " + maxLength + " characters (got one of "
            + v.length() + ").");
      }
    }
    return values;
  }

  /** A bad argument: answered to the agent as an error result that says what to change. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }
}
