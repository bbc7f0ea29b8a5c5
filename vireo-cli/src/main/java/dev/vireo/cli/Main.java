package dev.vireo.cli;

import dev.vireo.cli.img.ImgCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The {@code vireo} command. Each subcommand is one class in this package (or a sub-package
 * for command groups); register it in {@link #SUBCOMMANDS} below.
 *
 * <p>Start-up: picocli builds a command's model by reflection, and the whole tree costs
 * about as much CPU as a 1 GiB {@code img convert}. So only the subcommand named on the
 * command line is registered; help, completion and unknown words get the whole tree. Even
 * one command's model is about half of a short command's start-up, so {@code img convert},
 * the command people time, parses its plain forms without picocli ({@link #plainCommand}).
 *
 * <p>Exit codes (one place): 0 success, 1 the VM or operation failed, 2 usage error.
 */
@Command(name = "vireo",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Vireo: a virtualization platform (RISC-V emulation, virtio, KVM).")
public final class Main implements Runnable {
    public static final int EXIT_OK = 0, EXIT_FAILURE = 1, EXIT_USAGE = 2;

    /**
     * Every subcommand, name → class, in the order {@code vireo --help} lists them. Class names,
     * not classes: reading one command's annotations loads every class they name, and start-up
     * should load only the command being run. {@code CliTest} checks the names against the
     * classes' {@code @Command} names.
     */
    static final List<Map.Entry<String, String>> SUBCOMMANDS = List.of(
            Map.entry("help", "picocli.CommandLine$HelpCommand"),
            Map.entry("guest", "dev.vireo.cli.GuestCommand"),
            Map.entry("run", "dev.vireo.cli.RunCommand"),
            Map.entry("demo", "dev.vireo.cli.DemoCommand"),
            Map.entry("daemon", "dev.vireo.cli.DaemonCommand"),
            Map.entry("vm", "dev.vireo.cli.vm.VmCommand"),
            Map.entry("disk", "dev.vireo.cli.disk.DiskCommand"),
            Map.entry("template", "dev.vireo.cli.template.TemplateCommand"),
            Map.entry("snapshot", "dev.vireo.cli.snapshot.SnapshotCommand"),
            Map.entry("vmm", "dev.vireo.cli.VmmCommand"),
            Map.entry("generate-completion", "picocli.AutoComplete$GenerateCompletion"),
            Map.entry("img", "dev.vireo.cli.img.ImgCommand"),
            Map.entry("host", "dev.vireo.cli.HostCommand"),
            Map.entry("net", "dev.vireo.cli.net.NetCommand"));

    /**
     * Groups whose verbs are listed in code rather than in their {@code @Command(subcommands)}:
     * only the verb named on the command line is registered (all of them for help and unknown
     * words), as for {@link #SUBCOMMANDS}.
     */
    static final Map<String, List<Map.Entry<String, String>>> GROUP_VERBS = Map.of("img", ImgCommand.VERBS);

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces with errors.")
    void debug(boolean on) { debug = on; }

    private static volatile boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // Device warnings (System.Logger → java.util.logging) as one line each, like our own
        // errors: "vireo: WARNING: virtio-blk vda: device needs reset: …". A user's own
        // logging configuration still wins.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "vireo: %4$s: %5$s%6$s%n");
        }
        System.exit(execute(args));
    }

    /** Runs the CLI in-process (tests call this) and returns the exit code. */
    public static int execute(String... args) {
        Callable<Integer> plain = plainCommand(args);
        if (plain != null) {
            try {
                return plain.call();
            } catch (Exception e) {
                PrintWriter err = new PrintWriter(System.err, true);
                int code = failure(e, err);
                err.flush();
                return code;
            } finally {
                System.out.flush();
            }
        }
        CommandLine cli = new CommandLine(new Main());
        String named = firstWord(args);
        boolean versionOnly = args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
        boolean all = named == null ? !versionOnly : named.equals("help") || named.equals("generate-completion")
                || SUBCOMMANDS.stream().noneMatch(c -> c.getKey().equals(named));
        for (Map.Entry<String, String> c : SUBCOMMANDS) {
            if (all || c.getKey().equals(named)) cli.addSubcommand(c.getKey(), command(c.getKey(), c.getValue(), all ? null : wordAfter(args, named)));
        }
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> failure(ex, commandLine.getErr()));
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("vireo: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for more information.");
            return EXIT_USAGE;
        });
        return cli.execute(args);
    }

    /** Reports a command's failure in one line ("vireo: …", the stack trace too with --debug) and returns its exit code. */
    private static int failure(Exception ex, PrintWriter err) {
        if (debug) ex.printStackTrace(err);
        if (ex instanceof VireoCliException e) {
            err.println("vireo: " + e.getMessage());
            return e.exitCode();
        }
        err.println("vireo: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString())
                + (debug ? "" : " (--debug shows the stack trace)"));
        return EXIT_FAILURE;
    }

    /**
     * {@code [--debug] img VERB …} in a form the verb parses itself (see {@link ImgCommand#plainVerb}),
     * ready to run; null for everything else, which picocli parses. Building picocli's model of
     * even one command is about half of a short command's start-up.
     */
    private static Callable<Integer> plainCommand(String[] args) {
        List<String> words = new ArrayList<>(args.length);
        boolean debugFlag = false;
        for (String a : args) {
            if (a.equals("--debug")) debugFlag = true;
            else words.add(a);
        }
        if (words.size() < 2 || !words.get(0).equals("img")) return null;
        Callable<Integer> verb = ImgCommand.plainVerb(words.get(1), words.subList(2, words.size()));
        if (verb != null) debug = debugFlag;
        return verb;
    }

    /** The command {@code name} of class {@code className}, with only {@code verb} of a group's verbs when it is one. */
    private static CommandLine command(String name, String className, String verb) {
        CommandLine command = new CommandLine(commandClass(className));
        List<Map.Entry<String, String>> verbs = GROUP_VERBS.get(name);
        if (verbs == null) return command;
        boolean allVerbs = verb == null || verbs.stream().noneMatch(v -> v.getKey().equals(verb));
        for (Map.Entry<String, String> v : verbs) {
            if (allVerbs || v.getKey().equals(verb)) command.addSubcommand(v.getKey(), new CommandLine(commandClass(v.getValue())));
        }
        return command;
    }

    private static String wordAfter(String[] args, String word) {
        boolean seen = false;
        for (String a : args) {
            if (a.startsWith("-")) continue;
            if (seen) return a;
            seen = a.equals(word);
        }
        return null;
    }

    private static String firstWord(String[] args) {
        for (String a : args) if (!a.startsWith("-")) return a;
        return null;
    }

    static Class<?> commandClass(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("subcommand class " + name + " is missing from this build", e);
        }
    }

    /** The version baked in at build time. */
    public static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vireo " + version() + " (Java " + Runtime.version() + ")"};
        }
    }
}
