package dev.vireo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The {@code vireo} command. Each subcommand is one class in this package (or a sub-package
 * for command groups); register it in {@code subcommands} below.
 *
 * <p>Exit codes (one place): 0 success, 1 the VM or operation failed, 2 usage error.
 */
@Command(name = "vireo",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Vireo: a virtualization platform (RISC-V emulation, virtio, KVM).",
        subcommands = {
                CommandLine.HelpCommand.class,
                GuestCommand.class,
                RunCommand.class,
                DemoCommand.class,
                DaemonCommand.class,
                dev.vireo.cli.vm.VmCommand.class,
                dev.vireo.cli.disk.DiskCommand.class,
                dev.vireo.cli.template.TemplateCommand.class,
                dev.vireo.cli.snapshot.SnapshotCommand.class,
                VmmCommand.class,
                picocli.AutoComplete.GenerateCompletion.class,
                dev.vireo.cli.img.ImgCommand.class,
                HostCommand.class,
                dev.vireo.cli.net.NetCommand.class,
        })
public final class Main implements Runnable {
    public static final int EXIT_OK = 0, EXIT_FAILURE = 1, EXIT_USAGE = 2;

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
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (debug) ex.printStackTrace(commandLine.getErr());
            if (ex instanceof VireoCliException e) {
                commandLine.getErr().println("vireo: " + e.getMessage());
                return e.exitCode();
            }
            commandLine.getErr().println("vireo: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString())
                    + (debug ? "" : " (--debug shows the stack trace)"));
            return EXIT_FAILURE;
        });
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("vireo: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for more information.");
            return EXIT_USAGE;
        });
        return cli.execute(args);
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
