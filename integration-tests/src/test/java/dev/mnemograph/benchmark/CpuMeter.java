package dev.mnemograph.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where the CPU went during a phase, from {@code /proc/<pid>/stat} (utime + stime) of named groups of
 * processes, beside the machine's total from {@code /proc/stat}: "other" is what no group accounts for
 * (other builds on the machine, the kernel). Linux only; clock ticks of 1/100 s.
 */
final class CpuMeter {
  private static final double TICKS_PER_SECOND = 100.0;

  private final Map<String, Supplier<Set<Long>>> groups = new LinkedHashMap<>();
  private final Set<String> withChildren = new java.util.HashSet<>();

  /** A group's pids are asked for at the start and at the end of each phase (sessions come and go). */
  CpuMeter group(String name, Supplier<Set<Long>> pids) {
    groups.put(name, pids);
    return this;
  }

  /**
   * A group whose processes' children count too, once they have exited and been waited for (cutime +
   * cstime): a load generator's short-lived wrk runs, whose own /proc entry is gone when the phase ends.
   */
  CpuMeter groupWithExitedChildren(String name, Supplier<Set<Long>> pids) {
    withChildren.add(name);
    return group(name, pids);
  }

  Sample start() {
    Map<String, Map<Long, Long>> ticks = new LinkedHashMap<>();
    groups.forEach((name, pids) -> ticks.put(name, ticksOf(pids.get(), withChildren.contains(name))));
    return new Sample(ticks, machineBusy(), System.nanoTime());
  }

  /** CPU use between a start and now. */
  final class Sample {
    private final Map<String, Map<Long, Long>> startTicks;
    private final long[] startMachine;
    private final long startNanos;

    private Sample(Map<String, Map<Long, Long>> startTicks, long[] startMachine, long startNanos) {
      this.startTicks = startTicks;
      this.startMachine = startMachine;
      this.startNanos = startNanos;
    }

    /** Cores used per group (1.0 = one core busy all along), then "other" and "idle", in that order. */
    Map<String, Double> stop() {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      Map<String, Double> cores = new LinkedHashMap<>();
      double accounted = 0;
      for (var g : groups.entrySet()) {
        Map<Long, Long> before = startTicks.get(g.getKey());
        Set<Long> pids = new java.util.HashSet<>(before.keySet());
        pids.addAll(g.getValue().get());
        Map<Long, Long> after = ticksOf(pids, withChildren.contains(g.getKey()));
        long used = 0;
        for (var e : after.entrySet()) {
          used += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        double c = used / TICKS_PER_SECOND / seconds;
        cores.put(g.getKey(), c);
        accounted += c;
      }
      long[] machine = machineBusy();
      double busy = (machine[0] - startMachine[0]) / TICKS_PER_SECOND / seconds;
      double total = (machine[1] - startMachine[1]) / TICKS_PER_SECOND / seconds;
      cores.put("other", Math.max(0, busy - accounted));
      cores.put("idle", Math.max(0, total - busy));
      return cores;
    }
  }

  static String format(Map<String, Double> cores) {
    StringBuilder out = new StringBuilder();
    cores.forEach((name, c) -> out.append(out.isEmpty() ? "" : ", ").append(name).append(' ')
        .append(String.format("%.2f", c)));
    return out.toString();
  }

  private static Map<Long, Long> ticksOf(Set<Long> pids, boolean exitedChildren) {
    Map<Long, Long> out = new HashMap<>();
    for (long pid : pids) {
      long t = ticks(pid, exitedChildren);
      if (t >= 0) {
        out.put(pid, t);
      }
    }
    return out;
  }

  /** utime + stime of a process (all its threads), with its exited children's if asked, or -1 if it is gone. */
  static long ticks(long pid, boolean exitedChildren) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      // the command name (field 2) may hold spaces: count fields from the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long own = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return exitedChildren ? own + Long.parseLong(f[13]) + Long.parseLong(f[14]) : own;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The machine's busy and total ticks, all cores (busy excludes idle and iowait). */
  private static long[] machineBusy() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException e) {
      return new long[] {0, 0};
    }
  }
}
