package dev.mnemograph.secrets;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts {@code [REDACTED:<kind>]} in place of the secrets in a text before it is stored. What a coding agent's
 * hooks send (file contents, command output, prompts) becomes memories that are searched and handed to other
 * agents: a key pasted once would otherwise be served for ever. The caller learns how many of each kind were
 * taken out, never what they were.
 *
 * <p>The rules are our own (no maintained Java port of a scanner's rule set resolves from Maven Central) and
 * prefer precision: ordinary code and prose must come out unchanged. So an assigned value is kept when it is
 * empty, shorter than 6 characters, a reference ({@code ${DB_PASSWORD}}, {@code config.password},
 * {@code getPassword()}, a bare identifier such as {@code newPassword}), a placeholder ({@code <your password>},
 * {@code ****}, {@code changeme}) or prose (a quoted value with a space in it).
 *
 * <p>Texts run to 200,000 characters by the thousand: every pattern is possessive or bounded, and runs only if
 * a literal it needs is in the text. A marker matches no rule, so redacting twice changes nothing.
 */
public final class SecretRedactor {
  private SecretRedactor() {
  }

  /** The text with its secrets replaced, and how many of each kind were replaced. */
  public record Redacted(String text, Map<String, Integer> counts) {
    public Redacted {
      Objects.requireNonNull(counts, "counts");
      counts = counts.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(counts));
    }

    /** How many secrets were replaced, of all kinds. */
    public int total() {
      int sum = 0;
      for (int n : counts.values()) {
        sum += n;
      }
      return sum;
    }
  }

  /** Redacts {@code text}; a null text, or one with nothing to redact, comes back as the same instance, not a copy. */
  public static Redacted redact(String text) {
    if (text == null || text.isEmpty()) {
      return new Redacted(text, Map.of());
    }
    String out = text;
    Map<String, Integer> counts = null;
    for (Rule rule : RULES) {
      if (!rule.trigger().test(out)) {
        continue;
      }
      Matcher m = rule.pattern().matcher(out);
      StringBuilder sb = null;
      int last = 0;
      int found = 0;
      for (int from = 0; from < out.length() && m.find(from); ) {
        int g = rule.secret().group(out, m);
        if (g < 0) {
          from = m.start() + 1; // a match left alone consumes nothing: a secret may start inside it
          continue;
        }
        if (sb == null) {
          sb = new StringBuilder(out.length());
        }
        sb.append(out, last, m.start(g)).append("[REDACTED:").append(rule.kind()).append(']');
        last = m.end(g);
        from = m.end();
        found++;
      }
      if (sb != null) {
        out = sb.append(out, last, out.length()).toString();
        if (counts == null) {
          counts = new TreeMap<>();
        }
        counts.merge(rule.kind(), found, Integer::sum);
      }
    }
    return new Redacted(out, counts == null ? Map.of() : counts);
  }

  /** One kind of secret: its pattern runs only when {@code trigger} holds for the text. */
  private record Rule(String kind, Predicate<String> trigger, Pattern pattern, Secret secret) {
  }

  @FunctionalInterface
  private interface Secret {
    /** The group of {@code m} to replace (0: all of it), or -1 to leave the match alone. */
    int group(String text, Matcher m);
  }

  /**
   * An assignment's separator ({@code =}, {@code :}, {@code :=}, {@code =>}; not {@code ==} nor {@code =~}) and the
   * blanks after it. Assignment rules start here and look at the key before it in code, not in the pattern: a
   * pattern that starts with a list of key names tries every one at every character of the text.
   */
  private static final String ASSIGN = "[:=](?:(?<=:)=|(?<==)>)?(?![=~])[ \\t]*+";
  private static final String PRIVATE_KEY_LINE = "[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----";

  private static final List<Rule> RULES = List.of(
      // the whole block, its body never running past a "-----"; a block cut short (head of a file) loses the
      // base64 lines it has
      rule("private_key", anyOf("PRIVATE KEY"), "-----BEGIN" + PRIVATE_KEY_LINE
          + "(?:(?:[A-Za-z0-9+/=\\s\\\\:.,()_]++|-(?!----))*+-----END" + PRIVATE_KEY_LINE
          + "|(?:(?:\\s|\\\\[nr])++[A-Za-z0-9+/=]{16,}+)*+)", whole()),
      rule("aws_access_key", anyOf("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
          "\\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\\b", whole()),
      rule("aws_secret_key", anyOfIgnoringCase("secret"),
          ASSIGN + "\\\\?[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
          (text, m) -> isAwsSecretKey(keyBefore(text, m.start())) ? 1 : -1),
      rule("github_token", anyOf("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
          "\\b(?:gh[pousr]_[A-Za-z0-9]{36,}+|github_pat_[A-Za-z0-9_]{40,}+)", whole()),
      rule("gitlab_token", anyOf("glpat-", "glptt-", "gldt-", "glrt-"),
          "\\bgl(?:pat|ptt|dt|rt)-[A-Za-z0-9_-]{20,}+(?:\\.[A-Za-z0-9_-]{2,64}+){0,3}+", whole()),
      // the host and path prefix stay: a reader still sees that a webhook was configured
      rule("slack_webhook", anyOf("hooks.slack.com/"),
          "hooks\\.slack\\.com/(?:services|workflows|triggers)/([A-Za-z0-9_+/-]{16,512}+)", group(1)),
      rule("slack_token", anyOf("xox", "xapp-"),
          "\\b(?:xox[abeoprs]-[A-Za-z0-9-]{10,}+|xapp-[0-9]-[A-Za-z0-9-]{10,}+)", whole()),
      rule("stripe_key", anyOf("_live_", "_test_", "whsec_"),
          "\\b(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}+|whsec_[A-Za-z0-9]{24,}+)", whole()),
      // before openai_key, whose sk- it starts with
      rule("anthropic_key", anyOf("sk-ant-"), "\\bsk-ant-[A-Za-z0-9_-]{20,}+", whole()),
      // a slug such as sk-learn-… is not a key
      rule("openai_key", anyOf("sk-"),
          "sk-(?<![A-Za-z0-9_-]sk-)(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}+|[A-Za-z0-9]{32,}+(?![A-Za-z0-9_-]))",
          whole()),
      rule("google_api_key", anyOf("AIza"), "\\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])", whole()),
      rule("npm_token", anyOf("npm_"), "\\bnpm_[A-Za-z0-9]{36}(?![A-Za-z0-9])", whole()),
      rule("huggingface_token", anyOf("hf_"), "\\bhf_[A-Za-z0-9]{34}(?![A-Za-z0-9])", whole()),
      rule("pypi_token", anyOf("pypi-"), "\\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}+", whole()),
      rule("sendgrid_key", anyOf("SG."),
          "\\bSG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])", whole()),
      rule("azure_storage_key", anyOfIgnoringCase("accountkey="),
          "(?i:AccountKey)=([A-Za-z0-9+/]{86}==)", group(1)),
      // three base64url parts, the header a JSON object; one part alone (base64 of some JSON) is not a token
      rule("jwt", anyOf("eyJ"),
          "\\beyJ[A-Za-z0-9_-]{10,}+\\.[A-Za-z0-9_-]{10,}+\\.[A-Za-z0-9_-]{10,}+", whole()),
      // only the password goes: the scheme, user, host and database say what the text was about
      rule("connection_string_password", anyOf("://"),
          "://[^\\s:/@?#\"'`]{0,128}+:([^\\s@/?#\"'`]{1,256}+)@", (text, m) -> isLiteral(m.group(1), 3) ? 1 : -1),
      rule("bearer_token", anyOfIgnoringCase("bearer"),
          "(?i:\\bbearer)[ \\t]++([A-Za-z0-9._~+/-]{16,4096}+=*+)", group(1)),
      rule("basic_auth", anyOfIgnoringCase("authorization"),
          "(?i:\\bauthorization)\\\\?[\"']?[ \\t]*+[:=][ \\t]*+\\\\?[\"']?(?i:basic)[ \\t]++([A-Za-z0-9+/]{8,}+={0,2}+)",
          group(1)),
      // a value in double quotes (1), in single quotes (2), or bare up to a blank, a quote or a ; , & (3)
      rule("password_assignment", anyOfIgnoringCase("pass", "pwd", "secret", "token", "key"), ASSIGN
          + "(?:\\\\?\"([^\"\\\\\\r\\n]{1,512}+)\\\\?\"|\\\\?'([^'\\\\\\r\\n]{1,512}+)\\\\?'"
          + "|([^\\s\"'`,;&|<>(){}\\[\\]\\\\]{6,512}+)(?=[\\s\"'`,;&\\\\]|$))",
          (text, m) -> {
            String key = keyBefore(text, m.start());
            if (!isSecretKey(key)) {
              return -1;
            }
            if (m.group(3) != null) {
              return isBareSecret(key, m.group(3)) ? 3 : -1;
            }
            int g = m.group(1) != null ? 1 : 2;
            return isQuotedSecret(m.group(g)) ? g : -1;
          }));

  private static Rule rule(String kind, Predicate<String> trigger, String regex, Secret secret) {
    return new Rule(kind, trigger, Pattern.compile(regex), secret);
  }

  private static Secret whole() {
    return (text, m) -> 0;
  }

  private static Secret group(int g) {
    return (text, m) -> g;
  }

  private static Predicate<String> anyOf(String... literals) {
    return text -> {
      for (String literal : literals) {
        if (text.contains(literal)) {
          return true;
        }
      }
      return false;
    };
  }

  /** Literals that start with an ASCII letter, in lower case. */
  private static Predicate<String> anyOfIgnoringCase(String... lowercase) {
    return text -> {
      for (String literal : lowercase) {
        if (containsIgnoringCase(text, literal)) {
          return true;
        }
      }
      return false;
    };
  }

  private static boolean containsIgnoringCase(String text, String lowercase) {
    char first = lowercase.charAt(0);
    char second = lowercase.charAt(1);
    for (int i = 0, last = text.length() - lowercase.length(); i <= last; i++) {
      if ((text.charAt(i) | 0x20) == first && (text.charAt(i + 1) | 0x20) == (second | 0x20)
          && text.regionMatches(true, i + 2, lowercase, 2, lowercase.length() - 2)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The name assigned to at the separator {@code sep}: the word before it, past blanks, a closing quote (JSON
   * kept in a string escapes it) and a {@code ]} ({@code ENV['TOKEN'] = …}).
   */
  private static String keyBefore(String text, int sep) {
    int end = sep;
    while (end > 0 && sep - end < 16 && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
      end--;
    }
    if (end > 0 && text.charAt(end - 1) == ']') {
      end--;
    }
    if (end > 0 && (text.charAt(end - 1) == '"' || text.charAt(end - 1) == '\'')) {
      end--;
      if (end > 0 && text.charAt(end - 1) == '\\') {
        end--;
      }
    }
    int start = end;
    while (start > 0 && end - start < 64 && isKeyChar(text.charAt(start - 1))) {
      start--;
    }
    return text.substring(start, end);
  }

  private static boolean isKeyChar(char c) {
    return c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.');
  }

  /** Key names, in lower case without {@code _ - .}, whose values are secrets: {@code db_password}, {@code X-Api-Key}. */
  private static final List<String> SECRET_KEY_ENDINGS = List.of("password", "passwd", "passphrase", "secret",
      "secretkey", "token", "apikey", "accesskey", "authkey", "privatekey", "signingkey", "encryptionkey", "masterkey");

  private static boolean isSecretKey(String key) {
    String name = squeezed(key);
    for (String ending : SECRET_KEY_ENDINGS) {
      if (name.endsWith(ending)) {
        return true;
      }
    }
    return endsWithWord(key, "pass") || endsWithWord(key, "pwd");
  }

  private static boolean isAwsSecretKey(String key) {
    String name = squeezed(key);
    return name.endsWith("secretaccesskey") || name.endsWith("awssecretkey");
  }

  private static String squeezed(String key) {
    StringBuilder sb = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c != '_' && c != '-' && c != '.') {
        sb.append(Character.toLowerCase(c));
      }
    }
    return sb.toString();
  }

  /** {@code DB_PASS}, {@code dbPass}, {@code pass}, but not {@code bypass} or {@code compass}. */
  private static boolean endsWithWord(String key, String word) {
    int at = key.length() - word.length();
    if (at < 0 || !key.regionMatches(true, at, word, 0, word.length())) {
      return false;
    }
    if (at == 0) {
      return true;
    }
    char before = key.charAt(at - 1);
    return !Character.isLetter(before) || Character.isLowerCase(before) && Character.isUpperCase(key.charAt(at));
  }

  /** Values that name the secret rather than being one. */
  private static final Set<String> STOPWORDS = Set.of(
      "pass", "pwd", "null", "none", "nil", "true", "false", "password", "passwd", "passphrase", "secret",
      "token", "apikey", "api_key", "undefined", "required", "optional", "string", "boolean", "number", "hidden",
      "masked", "redacted", "default", "private", "public", "unknown", "notset", "not_set", "empty");
  private static final List<String> PLACEHOLDER_PARTS = List.of(
      "your", "example", "placeholder", "changeme", "xxxx", "****", "...", "\u2026", "${", "{{", "[REDACTED:");
  /** An identifier or a dotted path: {@code newPassword}, {@code config.password}, {@code process.env.TOKEN}. */
  private static final Pattern REFERENCE = Pattern.compile("[A-Za-z_$][\\w$]*+(?:\\.[A-Za-z_$][\\w$]*+)*+");

  /** Whether a value is a literal that could be a secret rather than a placeholder, a path or a marker. */
  private static boolean isLiteral(String v, int minLength) {
    if (v.length() < minLength) {
      return false;
    }
    char first = v.charAt(0);
    if ("${<[*#!@=/~.:".indexOf(first) >= 0 || first == '%' && !isPercentEscape(v)) {
      return false;
    }
    if (v.chars().allMatch(c -> c == first)) {
      return false;
    }
    String lower = v.toLowerCase(Locale.ROOT);
    if (STOPWORDS.contains(lower)) {
      return false;
    }
    for (String part : PLACEHOLDER_PARTS) {
      if (lower.contains(part)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPercentEscape(String v) {
    return v.length() > 2 && Character.digit(v.charAt(1), 16) >= 0 && Character.digit(v.charAt(2), 16) >= 0;
  }

  /** A quoted value is a hardcoded secret unless it is a placeholder or prose (a space in it). */
  private static boolean isQuotedSecret(String v) {
    return isLiteral(v, 6) && v.chars().noneMatch(Character::isWhitespace);
  }

  /**
   * An unquoted value is code when it reads as a reference without a digit; an environment variable's value
   * ({@code POSTGRES_PASSWORD=postgres}) is a literal all the same, unless it looks like another constant.
   */
  private static boolean isBareSecret(String key, String v) {
    if (!isLiteral(v, 6)) {
      return false;
    }
    if (REFERENCE.matcher(v).matches() && v.chars().noneMatch(Character::isDigit)) {
      return v.indexOf('.') < 0 && isUpperCase(key) && !isUpperCase(v);
    }
    return true;
  }

  private static boolean isUpperCase(String s) {
    return s.equals(s.toUpperCase(Locale.ROOT));
  }
}
