package dev.mnemograph.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop load with wrk (Debian's {@code wrk} package): {@code connections} connections, each sending its
 * next request when the last answered. A Lua script adds the key, picks a random path from a list for every
 * request, and prints p50/p95/p99 (wrk's own report has no p95).
 */
final class Wrk {
  private static final String SCRIPT = """
      wrk.headers["Authorization"] = "Token %s"
      local paths = {}
      local threads = 0
      function setup(thread)
        threads = threads + 1
        thread:set("seed", threads)
      end
      function init(args)
        for line in io.lines("%s") do paths[#paths + 1] = line end
        math.randomseed(os.time() * 1000 + seed)
      end
      function request()
        return wrk.format("GET", paths[math.random(#paths)])
      end
      function done(summary, latency, requests)
        local e = summary.errors
        io.write(string.format("RESULT requests=%%d seconds=%%f p50=%%f p95=%%f p99=%%f max=%%f non2xx=%%d errors=%%d\\n",
          summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
          latency:percentile(99) / 1e3, latency.max / 1e3, e.status, e.connect + e.read + e.write + e.timeout))
      end
      """;

  /** A wrk run: requests, seconds, latencies in ms, non-2xx answers and socket errors. */
  record Result(long requests, double seconds, double p50, double p95, double p99, double max, long non2xx,
                long errors) {
    double perSecond() {
      return requests / seconds;
    }
  }

  private Wrk() {
  }

  static boolean available() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(10, TimeUnit.SECONDS);
      return true;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Starts wrk on random paths of {@code paths} against {@code baseUrl}; {@link Running#await} for the result. */
  static Running start(String baseUrl, String key, List<String> paths, int connections, Duration duration, Path dir)
      throws IOException {
    Path pathsFile = Files.createTempFile(dir, "paths", ".txt");
    Files.write(pathsFile, paths);
    Path script = Files.createTempFile(dir, "wrk", ".lua");
    Files.writeString(script, SCRIPT.formatted(key, pathsFile.toAbsolutePath()));
    Process p = new ProcessBuilder("wrk", "-t", "2", "-c", String.valueOf(connections),
        "-d", duration.toSeconds() + "s", "--timeout", "10s", "-s", script.toString(), baseUrl)
        .redirectErrorStream(true).start();
    return new Running(p);
  }

  /** A wrk process; its pid is what the CPU accounting charges to the load generator. */
  record Running(Process process) {
    Result await() throws IOException, InterruptedException {
      String out = new String(process.getInputStream().readAllBytes());
      process.waitFor();
      String line = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
          .orElseThrow(() -> new IllegalStateException("wrk printed no result:\n" + out));
      Map<String, String> v = new HashMap<>();
      for (String field : line.substring(7).split(" ")) {
        String[] kv = field.split("=", 2);
        v.put(kv[0], kv[1]);
      }
      return new Result(Long.parseLong(v.get("requests")), Double.parseDouble(v.get("seconds")),
          Double.parseDouble(v.get("p50")), Double.parseDouble(v.get("p95")), Double.parseDouble(v.get("p99")),
          Double.parseDouble(v.get("max")), Long.parseLong(v.get("non2xx")), Long.parseLong(v.get("errors")));
    }
  }
}
