package dev.mnemograph;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command answers --help with its usage and exit code 0, before it touches a database or a port. */
class MainTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "serve", "workspace", "workspace create", "key", "key create", "key list",
      "key revoke", "job", "job list", "job retry"})
  void every_command_answers_help_with_its_usage(String command) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    String[] args = (command.isEmpty() ? "--help" : command + " --help").split(" ");

    int code = cli.execute(args);

    assertEquals(0, code, err.toString());
    assertTrue(out.toString().startsWith("Usage: mnemograph" + (command.isEmpty() ? "" : " " + command)),
        out.toString());
    assertTrue(out.toString().contains("-h, --help"), out.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"key", "job", "workspace"})
  void a_command_group_without_its_subcommand_says_which_exist(String group) {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err));

    int code = cli.execute(group);

    assertEquals(2, code);
    assertTrue(err.toString().contains("Missing required subcommand"), err.toString());
    assertTrue(err.toString().contains("Usage: mnemograph " + group), err.toString());
  }
}
